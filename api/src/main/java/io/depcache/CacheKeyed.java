package io.depcache;

/**
 * An argument type that names itself in cache keys and templates.
 *
 * <p>Implement it on argument types that are not plain values (records, strings, numbers, enums),
 * so that their key form is stable across JVMs and restarts.
 */
@FunctionalInterface
public interface CacheKeyed {
  /**
   * Returns the stable text that stands for this object in a cache key.
   *
   * @return the same text for equal objects, in every JVM
   */
  String cacheKey();
}
