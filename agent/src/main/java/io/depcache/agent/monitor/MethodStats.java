package io.depcache.agent.monitor;

import java.util.concurrent.atomic.LongAdder;

/**
 * The counters of one cached method: lookups that hit, missed or failed, and the time of hits and
 * of computed misses. Each record is a few {@link LongAdder} additions: nothing is allocated on the
 * hit path.
 */
public final class MethodStats {
  /** The store's hits: {@link #hits()} adds the near cache's. */
  private final LongAdder storeHits = new LongAdder();

  /**
   * Every near hit of the method since it was made, never reset: the one count of a near hit, which
   * its manager's and its store's totals sum (see {@link ManagerStats#attach}).
   */
  private final LongAdder nearHits = new LongAdder();

  /** {@link #nearHits} at the last {@link #reset()}. */
  private volatile long nearHitsAtReset;

  private final LongAdder misses = new LongAdder();
  private final LongAdder errors = new LongAdder();
  private final LongAdder hitNanos = new LongAdder();
  private final LongAdder computed = new LongAdder();
  private final LongAdder computeNanos = new LongAdder();
  private volatile boolean registered;

  /** A lookup answered from the store, which took {@code nanos}. */
  public void hit(long nanos) {
    storeHits.increment();
    hitNanos.add(nanos);
  }

  /**
   * A lookup answered by the near cache: a hit of its own level, untimed. It takes well under a
   * microsecond, and counts as 0 in {@link #averageHitMicros()}; timing it would cost it more than
   * a third again. It is the near hit's only count: its manager's and store's totals read it.
   */
  public void nearHit() {
    nearHits.increment();
  }

  /** The hits among {@link #hits()} that the near cache served. */
  public long nearHits() {
    return nearHits.sum() - nearHitsAtReset;
  }

  /** Every near hit since the method was made, whatever resets came in between. */
  long nearHitsEver() {
    return nearHits.sum();
  }

  /** A lookup that found nothing (or could not read the store: then also an error). */
  public void miss() {
    misses.increment();
  }

  /** A lookup or write that the store failed, or an entry that could not be read. */
  public void error() {
    errors.increment();
  }

  /** A miss whose body ran for {@code nanos}, from the lookup to its result. */
  public void computed(long nanos) {
    computed.increment();
    computeNanos.add(nanos);
  }

  /** Every hit, of either level. */
  public long hits() {
    return storeHits.sum() + nearHits();
  }

  public long misses() {
    return misses.sum();
  }

  public long errors() {
    return errors.sum();
  }

  public double hitRatio() {
    return ManagerStats.ratio(hits(), misses());
  }

  /** How many misses ran their body to a result that was timed. */
  public long computedMisses() {
    return computed.sum();
  }

  public double totalMissMillis() {
    return computeNanos.sum() / 1e6;
  }

  public double averageMissMillis() {
    long n = computed.sum();
    return n == 0 ? 0 : computeNanos.sum() / 1e6 / n;
  }

  /** The store hits' time over every hit, near hits counting as 0. */
  public double averageHitMicros() {
    long n = hits();
    return n == 0 ? 0 : hitNanos.sum() / 1e3 / n;
  }

  public void reset() {
    storeHits.reset();
    // never reset: the manager's and store's totals sum it
    nearHitsAtReset = nearHits.sum();
    misses.reset();
    errors.reset();
    hitNanos.reset();
    computed.reset();
    computeNanos.reset();
  }

  /** Whether its MBean was asked for: a volatile read, so that the first call asks once. */
  public boolean registered() {
    return registered;
  }

  void markRegistered() {
    registered = true;
  }
}
