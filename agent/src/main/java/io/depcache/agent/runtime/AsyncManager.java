package io.depcache.agent.runtime;

import io.depcache.AsyncCacheManager;
import java.util.Collection;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/** {@link AsyncCacheManager} over a manager: each operation runs on depcache's own threads. */
final class AsyncManager implements AsyncCacheManager {
  private final ManagerRuntime manager;
  private final Executor executor;

  AsyncManager(ManagerRuntime manager, Executor executor) {
    this.manager = manager;
    this.executor = executor;
  }

  @Override
  public String name() {
    return manager.name();
  }

  @Override
  public <T> CompletableFuture<T> get(String key) {
    return CompletableFuture.supplyAsync(() -> manager.<T>get(key), executor);
  }

  @Override
  public CompletableFuture<Boolean> exists(String key) {
    return CompletableFuture.supplyAsync(() -> manager.exists(key), executor);
  }

  @Override
  public CompletableFuture<Void> set(String key, Object value) {
    return CompletableFuture.runAsync(() -> manager.set(key, value), executor);
  }

  @Override
  public CompletableFuture<Void> set(
      String key, Object value, long ttlSeconds, Collection<String> dependencies) {
    return CompletableFuture.runAsync(
        () -> manager.set(key, value, ttlSeconds, dependencies), executor);
  }

  @Override
  public CompletableFuture<Long> delete(String... keys) {
    String[] copy = keys == null ? null : keys.clone();
    return CompletableFuture.supplyAsync(() -> manager.delete(copy), executor);
  }

  @Override
  public CompletableFuture<Long> invalidateDependency(String dependency) {
    return CompletableFuture.supplyAsync(() -> manager.invalidateDependency(dependency), executor);
  }

  @Override
  public CompletableFuture<Long> invalidateDependencies(Collection<String> dependencies) {
    return CompletableFuture.supplyAsync(
        () -> manager.invalidateDependencies(dependencies), executor);
  }

  @Override
  public CompletableFuture<Long> clear() {
    return CompletableFuture.supplyAsync(manager::clear, executor);
  }

  @Override
  public CompletableFuture<Long> ttl(String key) {
    return CompletableFuture.supplyAsync(() -> manager.ttl(key), executor);
  }

  @Override
  public <T> CompletableFuture<T> getOrCompute(String key, long ttlSeconds, Callable<T> loader) {
    return CompletableFuture.supplyAsync(
        () -> manager.getOrCompute(key, ttlSeconds, loader), executor);
  }
}
