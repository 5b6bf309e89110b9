package io.depcache.agent.near;

import io.depcache.agent.config.ManagerConfig;
import io.depcache.agent.store.CacheStore;
import io.depcache.agent.store.KeyLayout;
import io.depcache.agent.store.NearChannel;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * A store with a near cache in front: hits served from this JVM's memory while its subscription to
 * the prefix's invalidations is provably live, and every invalidation, delete and clear published
 * to every JVM before it returns (see the package javadoc).
 *
 * <p>A near hit returns the same bytes a Redis hit would, and the entry's slot ({@link
 * CacheStore.Lookup#decoded()}) where the runtime keeps what it decoded from them: the runtime
 * decides whether a hit shares that ({@code near-cache.copy=false}) or decodes a fresh copy; either
 * way the entry's dependencies reach the enclosing frame as a Redis hit's do. This store never
 * looks inside the slot.
 */
public final class NearCacheStore implements CacheStore {
  private final CacheStore delegate;
  private final NearEntries entries;
  private final Coherence coherence;
  private final DependencyReader reader;

  /** The near hits of {@link #lookup}: those of {@link #nearLookup} its callers count. */
  private final LongAdder nearHits = new LongAdder();

  /** The counts of the near hits of {@link #nearLookup}, one per caller that counts them. */
  private final List<LongSupplier> nearLookupCounts = new CopyOnWriteArrayList<>();

  /**
   * Puts a near cache in front of a store.
   *
   * @param delegate the manager's store
   * @param settings the settings of the managers sharing it (prefix, Redis, near-cache bounds)
   * @param reader reads an entry's dependency keys, for fills from a lookup hit
   */
  public NearCacheStore(CacheStore delegate, ManagerConfig settings, DependencyReader reader) {
    this(
        delegate,
        delegate.openNearChannel(settings),
        settings.prefix(),
        settings.nearCacheMaxEntries(),
        settings.nearCacheTtlSeconds(),
        reader);
  }

  NearCacheStore(
      CacheStore delegate,
      NearChannel channel,
      String prefix,
      int maxEntries,
      long ttlSeconds,
      DependencyReader reader) {
    this.delegate = delegate;
    this.entries = new NearEntries(maxEntries, ttlSeconds);
    this.reader = reader;
    this.coherence =
        new Coherence(
            channel, entries, prefix, delegate::pendingInvalidations, delegate::failoverReplays);
    coherence.start();
  }

  @Override
  public Lookup lookup(String entryKey) {
    Lookup near = near(entryKey);
    return near != null ? near : lookedUp(entryKey, null);
  }

  @Override
  public Lookup lookup(byte[] entryKey) {
    String key = new String(entryKey, StandardCharsets.UTF_8);
    Lookup near = near(key);
    return near != null ? near : lookedUp(key, entryKey);
  }

  /**
   * A lookup in the store, kept near if it may be; looked up once more when its dependencies had to
   * join the hold filter first.
   *
   * @param utf8 the key in UTF-8, or {@code null} to ask the store with {@code entryKey}
   */
  private Lookup lookedUp(String entryKey, byte[] utf8) {
    long epoch = entries.epoch();
    Holds holds = coherence.holds();
    long ticket = holds.ticket();
    Lookup found = utf8 == null ? delegate.lookup(entryKey) : delegate.lookup(utf8);
    if (fill(entryKey, found, epoch, holds, ticket)) {
      epoch = entries.epoch();
      ticket = holds.ticket();
      found = utf8 == null ? delegate.lookup(entryKey) : delegate.lookup(utf8);
      fill(entryKey, found, epoch, holds, ticket);
    }
    return found;
  }

  /** The hit path: a near hit makes no store key, and returns the lookup its entry holds. */
  @Override
  public Lookup lookup(String entryKeys, byte[] entryKeysUtf8, String key) {
    Lookup near = nearAt(entryKeys, key);
    if (near != null) {
      return near;
    }
    entries.knowHead(entryKeys);
    long epoch = entries.epoch();
    Holds holds = coherence.holds();
    long ticket = holds.ticket();
    Lookup found = delegate.lookup(entryKeys, entryKeysUtf8, key);
    if (found.value() == null || !coherence.subscribed()) {
      return found;
    }
    String entryKey = KeyLayout.entryKeyAt(entryKeys, key);
    if (fill(entryKey, found, epoch, holds, ticket)) {
      epoch = entries.epoch();
      ticket = holds.ticket();
      found = delegate.lookup(entryKeys, entryKeysUtf8, key);
      fill(entryKey, found, epoch, holds, ticket);
    }
    return found;
  }

  /**
   * {@inheritDoc}
   *
   * <p>A hit here is not counted: the caller counts it (once, where it also counts the hit for its
   * method and manager) and reports its count through {@link #countNearLookupsWith}, which {@link
   * #nearHits()} adds.
   */
  @Override
  public Lookup nearLookup(String entryKeys, String key) {
    long now = System.nanoTime(); // one reading for the lease and the entry's age
    if (!coherence.servingAt(now)) {
      return null;
    }
    NearEntries.Near near = nearAt(entryKeys, key, now);
    return near == null ? null : near.lookup;
  }

  /**
   * Adds a count of the hits of {@link #nearLookup} that its caller made to {@link #nearHits()}.
   *
   * @param count how many near hits that caller got from {@link #nearLookup}, ever
   */
  public void countNearLookupsWith(LongSupplier count) {
    nearLookupCounts.add(count);
  }

  /**
   * The near hit of the user's {@code key} in a namespace, asked with the two parts as they are.
   * Found split at the same place with a plain user's key, the key was that plain key: its store
   * key is the two parts. Otherwise (rare) a key that is not plain asks again with its store key,
   * whose text escaping made; a plain key's miss stands.
   */
  private Lookup nearAt(String entryKeys, String key) {
    long now = System.nanoTime(); // one reading for the lease and the entry's age
    if (!coherence.servingAt(now)) {
      return null;
    }
    NearEntries.Near near = nearAt(entryKeys, key, now);
    if (near == null) {
      return null;
    }
    nearHits.increment();
    return near.lookup;
  }

  private NearEntries.Near nearAt(String entryKeys, String key, long now) {
    NearEntries.Near near = entries.get(entryKeys, key, now);
    if ((near == null || near.plainSplit != entryKeys.length()) && !KeyLayout.plainUserText(key)) {
      near = entries.get(KeyLayout.entryKeyAt(entryKeys, key), "", now);
    }
    return near;
  }

  private Lookup near(String entryKey) {
    long now = System.nanoTime();
    if (!coherence.servingAt(now)) {
      return null;
    }
    NearEntries.Near near = entries.get(entryKey, "", now);
    if (near == null) {
      return null;
    }
    nearHits.increment();
    return near.lookup;
  }

  /**
   * Keeps a lookup's hit near if nothing was dropped since {@code epoch} and the hold filter had
   * every one of its dependencies since {@code ticket} (both taken before the lookup).
   *
   * @return whether it was not kept for want of some dependencies in the hold filter, which are
   *     there now: a lookup made again may be kept (once per dependency and registration)
   */
  private boolean fill(String entryKey, Lookup found, long epoch, Holds holds, long ticket) {
    if (found.value() == null || !coherence.subscribed()) {
      return false;
    }
    List<String> deps = reader.dependencyKeys(entryKey, found.value());
    if (deps == null) {
      return false;
    }
    if (coherence.admits(holds, ticket, deps)) {
      entries.fillLooked(entryKey, found.value(), deps, epoch, holds);
      return false;
    }
    return coherence.hold(holds, deps);
  }

  @Override
  public boolean putIfUnchangedSince(
      String entryKey,
      byte[] value,
      long ttlMillis,
      List<String> dependencyKeys,
      long sequence,
      long[] dependencySequences) {
    Holds holds = coherence.holds();
    if (coherence.subscribed()) {
      // before the write: its fill is then admitted, even of a dependency held here for the first
      // time
      coherence.hold(holds, dependencyKeys);
    }
    long ticket = holds.ticket();
    boolean written =
        delegate.putIfUnchangedSince(
            entryKey, value, ttlMillis, dependencyKeys, sequence, dependencySequences);
    if (written && coherence.subscribed()) {
      if (coherence.admits(holds, ticket, dependencyKeys)) {
        entries.fillWritten(entryKey, value, dependencyKeys, sequence, holds);
      } else {
        entries.dropKeys(List.of(entryKey), 0); // no older copy either: the next lookup fills
      }
    }
    return written;
  }

  @Override
  public void put(String entryKey, byte[] value, long ttlMillis, Collection<String> deps) {
    delegate.put(entryKey, value, ttlMillis, deps);
    // unfenced (the lookup could not read the sequence): not kept near, and no older copy either
    entries.dropKeys(List.of(entryKey), 0);
  }

  @Override
  public long delete(Collection<String> entryKeys) {
    long removed;
    try {
      removed = delegate.delete(entryKeys);
    } catch (RuntimeException e) {
      coherence.publish("d", entryKeys, false);
      throw e;
    }
    coherence.publish("d", entryKeys, true);
    return removed;
  }

  @Override
  public long invalidate(Collection<String> dependencyKeys) {
    // announced in the store's last round trip when it can
    Coherence.Message message = coherence.prepare("i", dependencyKeys);
    long removed;
    try {
      removed = delegate.invalidate(dependencyKeys, message.script());
    } catch (RuntimeException e) {
      coherence.finish(message, false);
      throw e;
    }
    coherence.finish(message, true);
    return removed;
  }

  @Override
  public long clear(String namespace) {
    long removed;
    try {
      removed = delegate.clear(namespace);
    } catch (RuntimeException e) {
      coherence.publish("c", List.of(namespace), false);
      throw e;
    }
    coherence.publish("c", List.of(namespace), true);
    return removed;
  }

  @Override
  public byte[] get(String entryKey) {
    return delegate.get(entryKey);
  }

  @Override
  public boolean tryLease(String entryKey, String token, long millis) {
    return delegate.tryLease(entryKey, token, millis);
  }

  @Override
  public void releaseLease(String entryKey, String token) {
    delegate.releaseLease(entryKey, token);
  }

  @Override
  public boolean exists(String entryKey) {
    return delegate.exists(entryKey);
  }

  @Override
  public long ttlMillis(String entryKey) {
    return delegate.ttlMillis(entryKey);
  }

  @Override
  public boolean available() {
    return delegate.available();
  }

  @Override
  public long pendingInvalidations() {
    return delegate.pendingInvalidations();
  }

  /** How many lookups the near cache served. */
  public long nearHits() {
    long sum = nearHits.sum();
    for (LongSupplier count : nearLookupCounts) {
      sum += count.getAsLong();
    }
    return sum;
  }

  /** Whether near hits are served now; for tests and operators. */
  public boolean serving() {
    return coherence.serving();
  }

  long size() {
    return entries.size();
  }

  /** How many subscriptions this store made: one more after each one it lost. */
  long subscriptionsMadeForTests() {
    return coherence.subscriptionsMade();
  }

  int indexedDependencies() {
    return entries.indexedDependencies();
  }

  /** Turns the application of other JVMs' invalidations off, to show that tests catch it. */
  void coherenceForTests(boolean on) {
    coherence.enabled = on;
  }

  /** Makes this store's subscriber slow to apply other JVMs' messages, for tests. */
  void applyDelayForTests(long millis) {
    coherence.applyDelayMillis = millis;
  }

  @Override
  public String describe() {
    return delegate.describe() + " with a near cache";
  }

  @Override
  public void close() {
    coherence.close();
    delegate.close();
  }
}
