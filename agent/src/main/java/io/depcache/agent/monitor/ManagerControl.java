package io.depcache.agent.monitor;

/** What the runtime lets an operator do to one manager through JMX. */
public interface ManagerControl {
  boolean enabled();

  void enabled(boolean enabled);

  /** {@code false} while the store's circuit is open. */
  boolean storeAvailable();

  /** Invalidations, deletes and clears made during an outage and not yet applied. */
  long pendingInvalidations();

  long invalidateDependency(String dependency);

  long delete(String key);

  long clear();
}
