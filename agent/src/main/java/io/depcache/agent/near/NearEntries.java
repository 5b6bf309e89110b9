package io.depcache.agent.near;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.depcache.agent.store.CacheStore;
import io.depcache.agent.store.KeyLayout;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * The near entries of one store and their dependency index, bounded by Caffeine, with the two
 * fences that refuse a fill which an applied invalidation may have made stale (see the package
 * javadoc).
 *
 * <p>Fills, drops and clears hold this object's lock, so that the fence check and the insert are
 * one step against a drop; a hit takes no lock.
 */
final class NearEntries {
  /**
   * A near entry: the stored bytes and the store keys of the dependency sets it is in, and the
   * lookup that every near hit of it returns (with the slot where the runtime keeps what it decoded
   * from the bytes), made once at the fill so that a hit allocates nothing.
   */
  static final class Near {
    final String[] dependencyKeys;
    final CacheStore.Lookup lookup;

    /**
     * Where its key is split when the part after is a user's key stored as it is ({@link
     * KeyLayout#plainUserText}), else -1: a probe split at the same place that equals it asked with
     * that very user's key, which needs no escaping.
     */
    final int plainSplit;

    /** The {@code System.nanoTime()} from which it is no longer served ({@code near-cache.ttl}). */
    final long expiresAt;

    Near(byte[] value, String[] dependencyKeys, int plainSplit, long expiresAt) {
      this.dependencyKeys = dependencyKeys;
      this.lookup = new CacheStore.Lookup(value, 0, new AtomicReference<>());
      this.plainSplit = plainSplit;
      this.expiresAt = expiresAt;
    }

    byte[] value() {
      return lookup.value();
    }
  }

  private final Cache<NearKey, Near> cache;

  /** Dependency store key to the near entry keys registered in it; only entries still cached. */
  private final Map<String, Set<String>> index = new ConcurrentHashMap<>();

  /**
   * The starts of entry keys (one per namespace) that lookups asked with: a stored key is split
   * after the longest that it starts with, as a lookup's probe is (see {@link NearKey}). A few at
   * most; beyond {@value #MAX_HEADS} keys are stored whole, which is only slower to compare.
   */
  private volatile String[] heads = new String[0];

  private static final int MAX_HEADS = 64;

  /** Raised by every drop and clear: a lookup fill read before it is refused. */
  private volatile long epoch;

  /** The highest store sequence whose invalidation was applied here (or at the last clear). */
  private long appliedSequence;

  /**
   * Whose fills are taken: the hold filter of the current registration ({@link #clearFor}); a fill
   * checked against another one is refused.
   */
  private Object owner;

  private final long ttlNanos;
  private final LongSupplier clock;

  NearEntries(int maxEntries, long ttlSeconds) {
    this(maxEntries, ttlSeconds, System::nanoTime);
  }

  /**
   * Entries bounded in number by Caffeine and in age by {@code ttlSeconds}: the age is checked by
   * {@link #get(String, String, long)} against the time its caller read anyway (the lease's), not
   * by Caffeine, whose expiry would read the clock once more on every hit. An entry past its age is
   * no longer served, and leaves when its key is filled again or the bound evicts it.
   *
   * @param clock {@code System.nanoTime}, or a test's
   */
  NearEntries(int maxEntries, long ttlSeconds, LongSupplier clock) {
    this.ttlNanos = TimeUnit.SECONDS.toNanos(ttlSeconds);
    this.clock = clock;
    this.cache =
        Caffeine.newBuilder()
            .maximumSize(maxEntries)
            // on the caller's thread: an evicted entry leaves the index before the call returns
            .executor(Runnable::run)
            .evictionListener(
                (NearKey key, Near near, com.github.benmanes.caffeine.cache.RemovalCause cause) ->
                    unindex(key.text(), near))
            .build();
  }

  Near get(String key) {
    return get(key, "", clock.getAsLong());
  }

  /**
   * The near entry of store key {@code head + tail}, without making that key, unless it is older
   * than the ttl at {@code now} ({@code System.nanoTime()}).
   */
  Near get(String head, String tail, long now) {
    NearKey probe = NearKey.probe(head, tail);
    Near near;
    try {
      near = cache.getIfPresent(probe);
    } finally {
      probe.release();
    }
    return near == null || now - near.expiresAt >= 0 ? null : near;
  }

  long epoch() {
    return epoch;
  }

  /**
   * Notes the start of a namespace's entry keys that lookups ask with; cheap when already known.
   */
  void knowHead(String head) {
    for (String known : heads) {
      if (known == head) {
        return;
      }
    }
    synchronized (this) {
      String[] now = heads;
      for (String known : now) {
        if (known.equals(head)) {
          return;
        }
      }
      if (now.length < MAX_HEADS) {
        String[] more = Arrays.copyOf(now, now.length + 1);
        more[now.length] = head;
        heads = more;
      }
    }
  }

  /** The key of a stored entry, split after the longest known head it starts with. */
  private NearKey storedKey(String key) {
    String head = "";
    for (String known : heads) {
      if (known.length() > head.length() && key.startsWith(known)) {
        head = known;
      }
    }
    return head.isEmpty() ? NearKey.of(key) : NearKey.of(head, key.substring(head.length()));
  }

  /**
   * Fills from a lookup hit, unless something was dropped since {@code epochSeen} or {@code by} no
   * longer owns the fills.
   */
  synchronized boolean fillLooked(
      String key, byte[] value, Collection<String> deps, long epochSeen, Object by) {
    if (epoch != epochSeen || by != owner) {
      return false;
    }
    insert(key, value, deps);
    return true;
  }

  /**
   * Fills from a fenced write whose computation read {@code sequence}, unless an invalidation
   * applied here was fenced after it or {@code by} no longer owns the fills.
   */
  synchronized boolean fillWritten(
      String key, byte[] value, Collection<String> deps, long sequence, Object by) {
    if (appliedSequence > sequence || by != owner) {
      drop(key);
      return false;
    }
    insert(key, value, deps);
    return true;
  }

  private void insert(String key, byte[] value, Collection<String> deps) {
    drop(key);
    String[] keys = deps.toArray(new String[0]);
    // indexed before it is visible, so that an eviction right after the put finds it indexed
    for (String dep : keys) {
      index.compute(
          dep,
          (d, set) -> {
            Set<String> s = set == null ? new HashSet<>() : set;
            s.add(key);
            return s;
          });
    }
    NearKey stored = storedKey(key);
    int split = stored.splitAt();
    boolean plain = split > 0 && KeyLayout.plainUserText(stored.tail());
    cache.put(stored, new Near(value, keys, plain ? split : -1, clock.getAsLong() + ttlNanos));
  }

  private void drop(String key) {
    Near old = cache.asMap().remove(NearKey.of(key));
    if (old != null) {
      unindex(key, old);
    }
  }

  private void unindex(String key, Near near) {
    for (String dep : near.dependencyKeys) {
      index.computeIfPresent(
          dep,
          (d, set) -> {
            set.remove(key);
            return set.isEmpty() ? null : set;
          });
    }
  }

  /** Drops every entry in those dependency sets; {@code sequence} is the store's after them. */
  synchronized void dropDependencies(Collection<String> dependencyKeys, long sequence) {
    epoch++;
    for (String dep : dependencyKeys) {
      Set<String> keys = index.remove(dep);
      if (keys != null) {
        for (String key : keys) {
          drop(key);
        }
      }
    }
    raise(sequence);
  }

  synchronized void dropKeys(Collection<String> entryKeys, long sequence) {
    epoch++;
    for (String key : entryKeys) {
      drop(key);
    }
    raise(sequence);
  }

  synchronized void dropNamespace(String namespace, long sequence) {
    epoch++;
    for (Iterator<NearKey> it = cache.asMap().keySet().iterator(); it.hasNext(); ) {
      String key = it.next().text();
      if (key.startsWith(namespace)) {
        drop(key);
      }
    }
    raise(sequence);
  }

  /** Empties the near cache, and from now on takes only the fills of {@code by}. */
  synchronized void clearFor(Object by) {
    owner = by;
    clear(0);
  }

  /** Empties the near cache, and refuses fills computed before {@code sequence}. */
  synchronized void clear(long sequence) {
    epoch++;
    cache.asMap().clear();
    index.clear();
    raise(sequence);
  }

  private void raise(long sequence) {
    appliedSequence = Math.max(appliedSequence, sequence);
  }

  /** How many entries are cached now (after pending evictions). */
  long size() {
    cache.cleanUp();
    return cache.estimatedSize();
  }

  /** How many dependency sets the index holds now. */
  int indexedDependencies() {
    cache.cleanUp();
    return index.size();
  }
}
