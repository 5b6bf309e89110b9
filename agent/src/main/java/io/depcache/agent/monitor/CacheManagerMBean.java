package io.depcache.agent.monitor;

/**
 * The JMX view of one manager, {@code io.depcache:type=CacheManager,name=<name>}: its counters
 * since start (or the last {@link #resetStats}), its state, and the operations an operator needs.
 */
public interface CacheManagerMBean {
  long getHits();

  /** The hits among {@link #getHits()} that this JVM's near cache served. */
  long getNearHits();

  long getMisses();

  long getSets();

  long getDeletes();

  long getInvalidations();

  long getClears();

  long getErrors();

  long getEntriesRemoved();

  double getHitRatio();

  boolean isEnabled();

  void setEnabled(boolean enabled);

  boolean isStoreAvailable();

  long getPendingInvalidations();

  long invalidateDependency(String dependency);

  long delete(String key);

  long clear();

  void resetStats();
}
