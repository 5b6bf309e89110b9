package io.depcache;

import java.util.concurrent.atomic.LongAdder;

/**
 * Counts events by type; register it with {@link CacheEvents#onAll(CacheEventListener)}.
 *
 * <p>Thread-safe and cheap: one striped counter per event type, and one of the hits that the near
 * cache served ({@link CacheEvent#level()}), which {@link Stats#hits()} counts too.
 */
public class StatsCollector implements CacheEventListener {
  private final LongAdder[] counters = new LongAdder[CacheEventType.values().length];
  private final LongAdder nearHits = new LongAdder();
  private volatile long startNanos = System.nanoTime();

  /** Creates a collector with every counter at zero. */
  public StatsCollector() {
    for (int i = 0; i < counters.length; i++) {
      counters[i] = new LongAdder();
    }
  }

  @Override
  public void onEvent(CacheEvent event) {
    if (event != null && event.type() != null) {
      counters[event.type().ordinal()].increment();
      if (event.level() == CacheLevel.NEAR) {
        nearHits.increment();
      }
    }
  }

  /**
   * Returns the counters as they are now.
   *
   * @return a snapshot
   */
  public Stats getStats() {
    long hits = count(CacheEventType.HIT);
    long misses = count(CacheEventType.MISS);
    long sets = count(CacheEventType.SET);
    long deletes = count(CacheEventType.DELETE);
    long invalidations = count(CacheEventType.INVALIDATE);
    long clears = count(CacheEventType.CLEAR);
    long errors = count(CacheEventType.ERROR);
    long total = hits + misses + sets + deletes + invalidations + clears + errors;
    double runtime = (System.nanoTime() - startNanos) / 1e9;
    return new Stats(
        hits,
        misses,
        sets,
        deletes,
        invalidations,
        clears,
        errors,
        ratio(hits, misses),
        total,
        runtime,
        runtime > 0 ? total / runtime : 0,
        nearHits.sum());
  }

  /**
   * Returns {@code hits / (hits + misses)}.
   *
   * @return the ratio, {@code 0} before the first lookup
   */
  public double hitRatio() {
    return ratio(count(CacheEventType.HIT), count(CacheEventType.MISS));
  }

  /** Sets every counter to zero and restarts the clock. */
  public void reset() {
    for (LongAdder counter : counters) {
      counter.reset();
    }
    nearHits.reset();
    startNanos = System.nanoTime();
  }

  private long count(CacheEventType type) {
    return counters[type.ordinal()].sum();
  }

  private static double ratio(long hits, long misses) {
    long lookups = hits + misses;
    return lookups == 0 ? 0 : (double) hits / lookups;
  }

  @Override
  public String toString() {
    return "StatsCollector" + getStats();
  }
}
