package io.depcache.agent.monitor;

/** {@link CachedMethodMBean} over a method's counters. */
final class MethodMonitor implements CachedMethodMBean {
  private final MethodStats stats;

  MethodMonitor(MethodStats stats) {
    this.stats = stats;
  }

  @Override
  public long getHits() {
    return stats.hits();
  }

  @Override
  public long getNearHits() {
    return stats.nearHits();
  }

  @Override
  public long getMisses() {
    return stats.misses();
  }

  @Override
  public long getErrors() {
    return stats.errors();
  }

  @Override
  public double getHitRatio() {
    return stats.hitRatio();
  }

  @Override
  public double getAverageMissMillis() {
    return stats.averageMissMillis();
  }

  @Override
  public double getAverageHitMicros() {
    return stats.averageHitMicros();
  }

  @Override
  public long getComputedMisses() {
    return stats.computedMisses();
  }

  @Override
  public double getTotalMissMillis() {
    return stats.totalMissMillis();
  }
}
