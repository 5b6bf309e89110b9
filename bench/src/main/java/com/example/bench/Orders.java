package com.example.bench;

import io.depcache.DepCache;
import io.depcache.DepCached;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/** The cached service of the benchmarks. */
public final class Orders {
  private volatile String lastKey;
  private volatile String lastAsyncKey;
  private final AtomicInteger computations = new AtomicInteger();
  private final AtomicInteger asyncComputations = new AtomicInteger();

  /** Cached for good: after its first call, every call with the same id is a hit. */
  @DepCached(ttl = 0, dependencies = "order:{0}")
  public Order order(long id) {
    lastKey = DepCache.currentCacheKey();
    computations.incrementAndGet();
    return Order.sample(id);
  }

  /**
   * {@link #order} as a future, cached for good by its completed value (an entry of its own): after
   * its first call completed, every call with the same id is a hit that returns a completed future.
   */
  @DepCached(ttl = 0, dependencies = "order:{0}")
  public CompletableFuture<Order> orderAsync(long id) {
    lastAsyncKey = DepCache.currentCacheKey();
    asyncComputations.incrementAndGet();
    return CompletableFuture.completedFuture(Order.sample(id));
  }

  /**
   * Cached for one second: called with a new id each time, every call is a miss, and Redis does not
   * fill up with the entries of a long run.
   */
  @DepCached(ttl = 1, dependencies = "order:{0}")
  public Order fresh(long id) {
    return Order.sample(id);
  }

  /** How often the body of {@link #order} ran: once per id when every later call is a hit. */
  public int computations() {
    return computations.get();
  }

  /** The cache key of the last computation of {@link #order}, {@code null} before one. */
  public String lastKey() {
    return lastKey;
  }

  /** How often the body of {@link #orderAsync} ran. */
  public int asyncComputations() {
    return asyncComputations.get();
  }

  /** The cache key of the last computation of {@link #orderAsync}, {@code null} before one. */
  public String lastAsyncKey() {
    return lastAsyncKey;
  }
}
