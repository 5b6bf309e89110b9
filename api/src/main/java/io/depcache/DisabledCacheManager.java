package io.depcache;

import java.util.Collection;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The manager without the agent: stores nothing, finds nothing, runs every loader. Listeners may be
 * registered; no event is ever fired.
 */
final class DisabledCacheManager implements CacheManager {
  private final String name;
  private final CacheEvents events = new SilentEvents();

  private DisabledCacheManager(String name) {
    this.name = name;
  }

  static CacheManager named(String name) {
    return new DisabledCacheManager(name == null || name.isEmpty() ? "default" : name);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public <T> T get(String key) {
    return null;
  }

  @Override
  public boolean exists(String key) {
    return false;
  }

  @Override
  public void set(String key, Object value) {}

  @Override
  public void set(String key, Object value, long ttlSeconds, Collection<String> dependencies) {}

  @Override
  public long delete(String... keys) {
    return 0;
  }

  @Override
  public long invalidateDependency(String dependency) {
    return 0;
  }

  @Override
  public long invalidateDependencies(Collection<String> dependencies) {
    return 0;
  }

  @Override
  public long clear() {
    return 0;
  }

  @Override
  public long ttl(String key) {
    return -2;
  }

  @Override
  public <T> T getOrCompute(String key, long ttlSeconds, Callable<T> loader) {
    Objects.requireNonNull(loader, "loader");
    try {
      return loader.call();
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new DepCacheException("the loader of key '" + key + "' failed", e);
    }
  }

  @Override
  public CacheEvents events() {
    return events;
  }

  @Override
  public AsyncCacheManager async() {
    return new Async();
  }

  @Override
  public String toString() {
    return "CacheManager[" + name + ", disabled]";
  }

  private final class Async implements AsyncCacheManager {
    @Override
    public String name() {
      return name;
    }

    @Override
    public <T> CompletableFuture<T> get(String key) {
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Boolean> exists(String key) {
      return CompletableFuture.completedFuture(false);
    }

    @Override
    public CompletableFuture<Void> set(String key, Object value) {
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> set(
        String key, Object value, long ttlSeconds, Collection<String> dependencies) {
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Long> delete(String... keys) {
      return CompletableFuture.completedFuture(0L);
    }

    @Override
    public CompletableFuture<Long> invalidateDependency(String dependency) {
      return CompletableFuture.completedFuture(0L);
    }

    @Override
    public CompletableFuture<Long> invalidateDependencies(Collection<String> dependencies) {
      return CompletableFuture.completedFuture(0L);
    }

    @Override
    public CompletableFuture<Long> clear() {
      return CompletableFuture.completedFuture(0L);
    }

    @Override
    public CompletableFuture<Long> ttl(String key) {
      return CompletableFuture.completedFuture(-2L);
    }

    @Override
    public <T> CompletableFuture<T> getOrCompute(String key, long ttlSeconds, Callable<T> loader) {
      Objects.requireNonNull(loader, "loader");
      return CompletableFuture.supplyAsync(
          () -> DisabledCacheManager.this.getOrCompute(key, ttlSeconds, loader));
    }
  }

  private static final class SilentEvents implements CacheEvents {
    private final Collection<CacheEventListener> listeners = new CopyOnWriteArrayList<>();

    @Override
    public void on(CacheEventType type, CacheEventListener listener) {
      listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    @Override
    public void onAll(CacheEventListener listener) {
      listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    @Override
    public void off(CacheEventType type, CacheEventListener listener) {
      listeners.remove(listener);
    }

    @Override
    public void offAll(CacheEventListener listener) {
      listeners.removeIf(l -> l == listener);
    }
  }
}
