package io.depcache.agent.store;

import io.depcache.agent.config.ManagerConfig;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Invalidations that a Sentinel failover could lose, made again on the new primary before it serves
 * a hit.
 *
 * <p>When Sentinel promotes a replica, the old primary still accepts writes until it is turned into
 * a replica of the new one, and then forgets them (it copies the new primary's data): an
 * invalidation that the old primary answered in that window would be lost, and the entries it
 * removed would come back with the new primary. So this store remembers what it invalidated,
 * deleted and cleared during the last {@value #WINDOW_SECONDS} s (at most {@value #MAX_KEYS} keys),
 * and {@link SentinelConnections} has it do all of it again on the new primary as soon as it
 * follows a failover, while no other call may use the new primary. Doing them again is safe: each
 * only moves fences forward and removes entries.
 */
final class FailoverReplay implements CacheStore {
  private static final Logger LOG = LoggerFactory.getLogger("depcache");
  static final long WINDOW_SECONDS = 60;
  static final int MAX_KEYS = 100_000;

  private record Done(long atNanos, char type, List<String> keys) {}

  private final CacheStore delegate;
  private final SentinelConnections primary;
  private final ArrayDeque<Done> recent = new ArrayDeque<>();
  private final AtomicLong replays = new AtomicLong();
  private int keys;
  private boolean overflowed;

  /**
   * @param delegate the store on the primary that {@code primary} names
   * @param primary follows the failovers; made again on its {@link SentinelConnections#onFailover}
   */
  FailoverReplay(CacheStore delegate, SentinelConnections primary) {
    this.delegate = delegate;
    this.primary = primary;
    primary.onFailover(this::replay);
  }

  /** Replayed by hand only (tests): nothing follows a primary, and no near cache can be made. */
  FailoverReplay(CacheStore delegate) {
    this.delegate = delegate;
    this.primary = null;
  }

  /**
   * Makes the invalidations, deletes and clears of the window again.
   *
   * @throws StoreException when the store fails; the caller tries again
   */
  void replay() {
    List<Done> again;
    boolean incomplete;
    synchronized (this) {
      trim(System.nanoTime());
      again = List.copyOf(recent);
      incomplete = overflowed;
    }
    for (Done done : again) {
      switch (done.type()) {
        case 'i' -> delegate.invalidate(done.keys());
        case 'd' -> delegate.delete(done.keys());
        default -> done.keys().forEach(delegate::clear);
      }
    }
    if (!again.isEmpty()) {
      replays.incrementAndGet();
    }
    LOG.info(
        "depcache: {} invalidations, deletes and clears of the last {} s made again on {}{}",
        again.size(),
        WINDOW_SECONDS,
        describe(),
        incomplete
            ? "; more than " + MAX_KEYS + " keys were invalidated, the oldest not again"
            : "");
  }

  @Override
  public long invalidate(Collection<String> dependencyKeys) {
    return invalidate(dependencyKeys, null);
  }

  @Override
  public long invalidate(Collection<String> dependencyKeys, FollowUp followUp) {
    remember('i', dependencyKeys);
    return delegate.invalidate(dependencyKeys, followUp);
  }

  @Override
  public long delete(Collection<String> entryKeys) {
    remember('d', entryKeys);
    return delegate.delete(entryKeys);
  }

  @Override
  public long clear(String namespace) {
    remember('c', List.of(namespace));
    return delegate.clear(namespace);
  }

  /** Before the call: one that fails half way is made again too. */
  private synchronized void remember(char type, Collection<String> what) {
    long now = System.nanoTime();
    trim(now);
    recent.addLast(new Done(now, type, List.copyOf(what)));
    keys += what.size();
    while (keys > MAX_KEYS && recent.size() > 1) {
      keys -= recent.removeFirst().keys().size();
      overflowed = true;
    }
  }

  private void trim(long now) {
    long window = TimeUnit.SECONDS.toNanos(WINDOW_SECONDS);
    while (!recent.isEmpty() && now - recent.peekFirst().atNanos() > window) {
      keys -= recent.removeFirst().keys().size();
    }
    if (recent.isEmpty()) {
      overflowed = false;
    }
  }

  @Override
  public Lookup lookup(String entryKey) {
    return delegate.lookup(entryKey);
  }

  @Override
  public Lookup lookup(byte[] entryKey) {
    return delegate.lookup(entryKey);
  }

  @Override
  public boolean putIfUnchangedSince(
      String entryKey,
      byte[] value,
      long ttlMillis,
      List<String> dependencyKeys,
      long sequence,
      long[] dependencySequences) {
    return delegate.putIfUnchangedSince(
        entryKey, value, ttlMillis, dependencyKeys, sequence, dependencySequences);
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
  public void put(
      String entryKey, byte[] value, long ttlMillis, Collection<String> dependencyKeys) {
    delegate.put(entryKey, value, ttlMillis, dependencyKeys);
  }

  @Override
  public long ttlMillis(String entryKey) {
    return delegate.ttlMillis(entryKey);
  }

  @Override
  public String describe() {
    return delegate.describe();
  }

  /** Counts only failovers that had something to make again. */
  @Override
  public long failoverReplays() {
    return replays.get();
  }

  /**
   * The near cache's channel on the same connections as the entries: it talks to the primary the
   * store talks to at every moment, breaks its subscription when the store moves, and waits, as
   * every call does, until the failover's invalidations were made again.
   */
  @Override
  public NearChannel openNearChannel(ManagerConfig settings) {
    if (primary == null) {
      return CacheStore.super.openNearChannel(settings);
    }
    return NearChannel.following(primary);
  }

  @Override
  public void close() {
    delegate.close();
  }
}
