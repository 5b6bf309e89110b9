package io.depcache;

/** Which level of the cache served a hit. */
public enum CacheLevel {
  /** This JVM's near cache ({@code depcache.near-cache.enabled}): no round trip. */
  NEAR,
  /** The manager's store: Redis, or the in-process store of {@code depcache.backend=memory}. */
  STORE
}
