package io.depcache.agent.monitor;

import io.depcache.CacheEventType;
import io.depcache.CacheLevel;
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
  private final LongAdder nearHits = new LongAdder();

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

  /** Counts a hit, and apart the near cache's among them. */
  void recordHit(CacheLevel level) {
    // one addition a hit: count(HIT) adds the near hits to the store's
    (level == CacheLevel.NEAR ? nearHits : counts[CacheEventType.HIT.ordinal()]).increment();
  }

  /** The hits among {@code count(HIT)} that the near cache served. */
  public long nearHits() {
    return nearHits.sum();
  }

  /** How many events of that type the manager has had since the last reset. */
  public long count(CacheEventType type) {
    long count = counts[type.ordinal()].sum();
    return type == CacheEventType.HIT ? count + nearHits.sum() : count;
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
    nearHits.reset();
  }

  static double ratio(long hits, long misses) {
    long lookups = hits + misses;
    return lookups == 0 ? 0 : (double) hits / lookups;
  }
}
