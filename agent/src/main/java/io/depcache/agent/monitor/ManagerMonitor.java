package io.depcache.agent.monitor;

import io.depcache.CacheEventType;

/** {@link CacheManagerMBean} over a manager's counters and its control. */
final class ManagerMonitor implements CacheManagerMBean {
  private final ManagerControl control;
  private final ManagerStats stats;

  ManagerMonitor(ManagerControl control, ManagerStats stats) {
    this.control = control;
    this.stats = stats;
  }

  @Override
  public long getHits() {
    return stats.count(CacheEventType.HIT);
  }

  @Override
  public long getNearHits() {
    return stats.nearHits();
  }

  @Override
  public long getMisses() {
    return stats.count(CacheEventType.MISS);
  }

  @Override
  public long getSets() {
    return stats.count(CacheEventType.SET);
  }

  @Override
  public long getDeletes() {
    return stats.count(CacheEventType.DELETE);
  }

  @Override
  public long getInvalidations() {
    return stats.count(CacheEventType.INVALIDATE);
  }

  @Override
  public long getClears() {
    return stats.count(CacheEventType.CLEAR);
  }

  @Override
  public long getErrors() {
    return stats.count(CacheEventType.ERROR);
  }

  @Override
  public long getEntriesRemoved() {
    return stats.entriesRemoved();
  }

  @Override
  public double getHitRatio() {
    return stats.hitRatio();
  }

  @Override
  public boolean isEnabled() {
    return control.enabled();
  }

  @Override
  public void setEnabled(boolean enabled) {
    control.enabled(enabled);
  }

  @Override
  public boolean isStoreAvailable() {
    return control.storeAvailable();
  }

  @Override
  public long getPendingInvalidations() {
    return control.pendingInvalidations();
  }

  @Override
  public long invalidateDependency(String dependency) {
    return control.invalidateDependency(dependency);
  }

  @Override
  public long delete(String key) {
    return control.delete(key);
  }

  @Override
  public long clear() {
    return control.clear();
  }

  @Override
  public void resetStats() {
    stats.reset();
  }
}
