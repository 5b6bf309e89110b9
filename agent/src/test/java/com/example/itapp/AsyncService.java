package com.example.itapp;

import com.example.fixtures.Calls;
import io.depcache.DepCache;
import io.depcache.DepCached;
import java.util.concurrent.CompletableFuture;

/** Cached methods of the asynchronous end-to-end tests. */
public class AsyncService {
  /** Computed on another thread, after a pause. */
  @DepCached(dependencies = "order:{0}")
  public CompletableFuture<String> order(int id) {
    return CompletableFuture.supplyAsync(
        () -> {
          Calls.ran("order");
          pause(20);
          return "order" + id;
        });
  }

  /** A total of the order, with a dependency declared in an asynchronous stage. */
  @DepCached
  public CompletableFuture<String> total(int id) {
    Calls.ran("total");
    return order(id)
        .thenApplyAsync(
            order -> {
              DepCache.addDependency("price:" + id);
              return order + " total";
            });
  }

  /** A synchronous computation that parks its thread: waiters of its single flight wait long. */
  @DepCached(dependencies = "slow:{0}")
  public String slow(int id) {
    Calls.ran("slow");
    pause(50);
    return "slow" + id;
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
