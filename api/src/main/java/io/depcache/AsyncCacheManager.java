package io.depcache;

import java.util.Collection;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;

/**
 * The operations of {@link CacheManager} as futures: each call returns at once and completes on
 * depcache's own threads, never on the caller's.
 */
public interface AsyncCacheManager {
  /**
   * Returns the manager's name.
   *
   * @return the name
   */
  String name();

  /**
   * See {@link CacheManager#get(String)}.
   *
   * @param key the key
   * @param <T> the type the caller expects
   * @return the value, or {@code null}
   */
  <T> CompletableFuture<T> get(String key);

  /**
   * See {@link CacheManager#exists(String)}.
   *
   * @param key the key
   * @return whether the entry exists
   */
  CompletableFuture<Boolean> exists(String key);

  /**
   * See {@link CacheManager#set(String, Object)}.
   *
   * @param key the key
   * @param value the value
   * @return completes when stored
   */
  CompletableFuture<Void> set(String key, Object value);

  /**
   * See {@link CacheManager#set(String, Object, long, Collection)}.
   *
   * @param key the key
   * @param value the value
   * @param ttlSeconds seconds to live
   * @param dependencies what the value depends on
   * @return completes when stored
   */
  CompletableFuture<Void> set(
      String key, Object value, long ttlSeconds, Collection<String> dependencies);

  /**
   * See {@link CacheManager#delete(String...)}.
   *
   * @param keys the keys
   * @return how many entries were removed
   */
  CompletableFuture<Long> delete(String... keys);

  /**
   * See {@link CacheManager#invalidateDependency(String)}.
   *
   * @param dependency the dependency
   * @return how many entries were removed
   */
  CompletableFuture<Long> invalidateDependency(String dependency);

  /**
   * See {@link CacheManager#invalidateDependencies(Collection)}.
   *
   * @param dependencies the dependencies
   * @return how many entries were removed
   */
  CompletableFuture<Long> invalidateDependencies(Collection<String> dependencies);

  /**
   * See {@link CacheManager#clear()}.
   *
   * @return how many entries were removed
   */
  CompletableFuture<Long> clear();

  /**
   * See {@link CacheManager#ttl(String)}.
   *
   * @param key the key
   * @return seconds, {@code -1} or {@code -2}
   */
  CompletableFuture<Long> ttl(String key);

  /**
   * See {@link CacheManager#getOrCompute(String, long, Callable)}; the loader runs on depcache's
   * threads.
   *
   * @param key the key
   * @param ttlSeconds seconds to live
   * @param loader computes the value on a miss
   * @param <T> the value's type
   * @return the cached or computed value
   */
  <T> CompletableFuture<T> getOrCompute(String key, long ttlSeconds, Callable<T> loader);
}
