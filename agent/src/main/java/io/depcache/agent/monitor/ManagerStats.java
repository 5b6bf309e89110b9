package io.depcache.agent.monitor;

import io.depcache.CacheEventType;
import io.depcache.CacheLevel;
import java.util.Arrays;
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

  /**
   * The near hits that no method counted: those of {@code getOrCompute}. A cached method's near hit
   * is counted once, by its {@link MethodStats}, and summed here on reading (a near hit pays for
   * one counter, not one per total that shows it). Never reset, as the methods' are not: the
   * store's total reads it too ({@link #nearHitsOfNearLookups()}).
   */
  private final LongAdder nearHitsWithoutMethod = new LongAdder();

  /**
   * The near hits among the others that the store counted itself as well: those that a store lookup
   * served (a fill that raced the lookup), which the store's total must not count twice.
   */
  private final LongAdder nearHitsCountedByStore = new LongAdder();

  /** The methods of this manager, whose near hits {@link #nearHits()} sums. */
  private volatile MethodStats[] methods = new MethodStats[0];

  /** The near hits ever counted, at the last {@link #reset()}. */
  private volatile long nearHitsAtReset;

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

  /**
   * Counts a hit, and apart the near cache's among them, unless a method's stats counted it (a near
   * hit of a method attached here).
   */
  void recordHit(CacheLevel level, boolean countedByMethod) {
    // one addition a hit: count(HIT) adds the near hits to the store's
    if (level != CacheLevel.NEAR) {
      counts[CacheEventType.HIT.ordinal()].increment();
    } else if (!countedByMethod) {
      nearHitsWithoutMethod.increment();
    }
  }

  /**
   * Notes that the store counted a near hit itself (it served it to a lookup): a second count, on a
   * rare path, so that {@link #nearHitsOfNearLookups()} leaves it out.
   */
  public void nearHitCountedByStore() {
    nearHitsCountedByStore.increment();
  }

  /**
   * Makes {@link #nearHits()} include the method's near hits; once per method, before its first
   * call is counted.
   */
  public synchronized void attach(MethodStats method) {
    for (MethodStats known : methods) {
      if (known == method) {
        return;
      }
    }
    MethodStats[] more = Arrays.copyOf(methods, methods.length + 1);
    more[methods.length] = method;
    methods = more;
  }

  private long nearHitsEver() {
    long sum = nearHitsWithoutMethod.sum();
    for (MethodStats method : methods) {
      sum += method.nearHitsEver();
    }
    return sum;
  }

  /** The hits among {@code count(HIT)} that the near cache served. */
  public long nearHits() {
    return nearHitsEver() - nearHitsAtReset;
  }

  /**
   * Every near hit of this manager that the store did not count itself, since the manager was made:
   * what the store's total adds for the hits it served through {@code nearLookup}, which leaves
   * counting to its caller.
   */
  public long nearHitsOfNearLookups() {
    return nearHitsEver() - nearHitsCountedByStore.sum();
  }

  /** How many events of that type the manager has had since the last reset. */
  public long count(CacheEventType type) {
    long count = counts[type.ordinal()].sum();
    return type == CacheEventType.HIT ? count + nearHits() : count;
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
    // the near hits' counters are never reset: the store's total reads them too
    nearHitsAtReset = nearHitsEver();
  }

  static double ratio(long hits, long misses) {
    long lookups = hits + misses;
    return lookups == 0 ? 0 : (double) hits / lookups;
  }
}
