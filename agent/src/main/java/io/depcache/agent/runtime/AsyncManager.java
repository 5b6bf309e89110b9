package io.depcache.agent.runtime;

import io.depcache.AsyncCacheManager;
import java.util.Collection;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * {@link AsyncCacheManager} over a manager: each operation runs on depcache's own threads, with the
 * caller's context class loader, as the synchronous call would: a value is read in the caller's
 * classes (a web application's own, not those of whichever application's call first made the
 * thread), and a loader runs with the context it was written for.
 */
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
    return supply(() -> manager.<T>get(key));
  }

  @Override
  public CompletableFuture<Boolean> exists(String key) {
    return CompletableFuture.supplyAsync(() -> manager.exists(key), executor);
  }

  @Override
  public CompletableFuture<Void> set(String key, Object value) {
    return supply(
        () -> {
          manager.set(key, value);
          return null;
        });
  }

  @Override
  public CompletableFuture<Void> set(
      String key, Object value, long ttlSeconds, Collection<String> dependencies) {
    return supply(
        () -> {
          manager.set(key, value, ttlSeconds, dependencies);
          return null;
        });
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
    return supply(() -> manager.getOrCompute(key, ttlSeconds, loader));
  }

  /** Runs {@code work} on depcache's threads with the caller's context class loader. */
  private <T> CompletableFuture<T> supply(Supplier<T> work) {
    ClassLoader caller = Thread.currentThread().getContextClassLoader();
    return CompletableFuture.supplyAsync(
        () -> {
          Thread thread = Thread.currentThread();
          ClassLoader before = thread.getContextClassLoader();
          thread.setContextClassLoader(caller);
          try {
            return work.get();
          } finally {
            thread.setContextClassLoader(before);
          }
        },
        executor);
  }
}
