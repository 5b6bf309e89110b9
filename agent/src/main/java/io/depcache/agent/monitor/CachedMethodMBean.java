package io.depcache.agent.monitor;

/**
 * The JMX view of one cached method, {@code
 * io.depcache:type=CachedMethod,manager=<name>,method=<quoted signature>}.
 */
public interface CachedMethodMBean {
  long getHits();

  /** The hits among {@link #getHits()} that this JVM's near cache served. */
  long getNearHits();

  long getMisses();

  long getErrors();

  double getHitRatio();

  double getAverageMissMillis();

  double getAverageHitMicros();

  long getComputedMisses();

  double getTotalMissMillis();
}
