package io.depcache.agent.monitor;

import io.depcache.CacheEventType;
import java.util.concurrent.atomic.LongAdder;

/**
 * The counters of one manager, one per event type, as {@code StatsCollector} counts them: {@code
 * Deletes} and {@code Invalidations} count operations, {@code EntriesRemoved} what they removed.
 * Counting is a {@link LongAdder} increment: no allocation, no lock.
 */
public final class ManagerStats {
  private static final CacheEventType[] TYPES = CacheEventType.values();

  private final LongAdder[] counts = new LongAdder[TYPES.length];
  private final LongAdder entriesRemoved = new LongAdder();

  public ManagerStats() {
    for (int i = 0; i < counts.length; i++) {
      counts[i] = new LongAdder();
    }
  }

  /** Counts one event; a delete or invalidation also counts the entries it removed. */
  void record(CacheEventType type, long removed) {
    counts[type.ordinal()].increment();
    if ((type == CacheEventType.DELETE || type == CacheEventType.INVALIDATE) && removed > 0) {
      entriesRemoved.add(removed);
    }
  }

  /** How many events of that type the manager has had since the last reset. */
  public long count(CacheEventType type) {
    return counts[type.ordinal()].sum();
  }

  /** Entries removed by deletes and invalidations. */
  public long entriesRemoved() {
    return entriesRemoved.sum();
  }

  /** Hits over lookups; 0 before the first lookup. */
  public double hitRatio() {
    return ratio(count(CacheEventType.HIT), count(CacheEventType.MISS));
  }

  public void reset() {
    for (LongAdder count : counts) {
      count.reset();
    }
    entriesRemoved.reset();
  }

  static double ratio(long hits, long misses) {
    long lookups = hits + misses;
    return lookups == 0 ? 0 : (double) hits / lookups;
  }
}
