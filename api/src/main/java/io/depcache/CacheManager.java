package io.depcache;

import java.util.Collection;
import java.util.concurrent.Callable;

/**
 * A named cache: entries with a ttl and a set of dependencies, shared by every JVM on the same
 * store.
 *
 * <p>Keys are the strings {@link DepCache#currentCacheKey()} returns for cached methods, or any
 * string chosen by the application for manual entries.
 */
public interface CacheManager {
  /**
   * Returns this manager's name ({@code "default"} for the default manager).
   *
   * @return the name
   */
  String name();

  /**
   * Returns the value stored under {@code key}.
   *
   * @param key the key
   * @param <T> the type the caller expects
   * @return the value, or {@code null} when absent (or when {@code null} was cached)
   */
  <T> T get(String key);

  /**
   * Tells whether an entry exists.
   *
   * @param key the key
   * @return whether an entry is stored under {@code key}
   */
  boolean exists(String key);

  /**
   * Stores a value with the default ttl and no dependencies.
   *
   * @param key the key
   * @param value the value; must be serializable by the configured serializer
   */
  void set(String key, Object value);

  /**
   * Stores a value with a ttl and dependencies.
   *
   * @param key the key
   * @param value the value; must be serializable by the configured serializer
   * @param ttlSeconds seconds to live; {@code 0}: never expires; {@code -1}: the default
   * @param dependencies what the value depends on
   */
  void set(String key, Object value, long ttlSeconds, Collection<String> dependencies);

  /**
   * Deletes entries by key.
   *
   * @param keys the keys
   * @return how many entries were removed
   */
  long delete(String... keys);

  /**
   * Removes every entry that depends on {@code dependency}, on every JVM sharing the store.
   *
   * @param dependency the dependency
   * @return how many entries were removed
   */
  long invalidateDependency(String dependency);

  /**
   * Removes every entry that depends on any of {@code dependencies}.
   *
   * @param dependencies the dependencies
   * @return how many entries were removed
   */
  long invalidateDependencies(Collection<String> dependencies);

  /**
   * Removes every entry of this manager.
   *
   * @return how many entries were removed
   */
  long clear();

  /**
   * Returns the remaining time to live of an entry.
   *
   * @param key the key
   * @return seconds; {@code -1} when the entry never expires; {@code -2} when it is absent
   */
  long ttl(String key);

  /**
   * Returns the entry under {@code key}, computing and storing it on a miss.
   *
   * <p>Dependencies that {@code loader} adds with {@link DepCache#addDependency(String)}, directly
   * or through cached methods it calls, are stored with the entry.
   *
   * @param key the key
   * @param ttlSeconds seconds to live; {@code 0}: never expires; {@code -1}: the default
   * @param loader computes the value on a miss
   * @param <T> the value's type
   * @return the cached or computed value
   * @throws DepCacheException wrapping a checked exception thrown by {@code loader}
   */
  <T> T getOrCompute(String key, long ttlSeconds, Callable<T> loader);

  /**
   * Returns the listeners of this manager.
   *
   * @return the event registry
   */
  CacheEvents events();

  /**
   * Returns the same operations as futures that never block the caller.
   *
   * @return the asynchronous view of this manager
   */
  AsyncCacheManager async();
}
