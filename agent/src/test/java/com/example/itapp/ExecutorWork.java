package com.example.itapp;

import com.example.fixtures.Calls;
import com.example.fixtures.Fanout;
import io.depcache.DepCache;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Cached calls of the end-to-end app whose work runs on other threads, each task declaring a
 * dependency {@code <id>:<n>}; each command answers with the value and how often it was computed.
 */
final class ExecutorWork {
  private static final Fanout FANOUT = new Fanout();
  private static final ExecutorService POOL =
      Executors.newFixedThreadPool(
          2,
          task -> {
            Thread thread = new Thread(task, "itapp-pool");
            thread.setDaemon(true);
            return thread;
          });

  private ExecutorWork() {}

  /**
   * A task on a thread pool ({@code <id>:0}), a {@code supplyAsync} on the default executor ({@code
   * <id>:1}) and the {@code thenApplyAsync} stage attached to it before it completes ({@code
   * <id>:2}).
   */
  static String executors(String id) throws Exception {
    String value =
        FANOUT.compute(
            id,
            () -> {
              POOL.submit(() -> DepCache.addDependency(id + ":0")).get(10, TimeUnit.SECONDS);
              CountDownLatch attached = new CountDownLatch(1);
              CompletableFuture<String> stages =
                  CompletableFuture.supplyAsync(
                          () -> {
                            await(attached);
                            DepCache.addDependency(id + ":1");
                            return id;
                          })
                      .thenApplyAsync(
                          v -> {
                            DepCache.addDependency(id + ":2");
                            return v;
                          });
              attached.countDown();
              return stages.get(10, TimeUnit.SECONDS);
            });
    return value + " computed=" + Calls.count("fanout:" + id);
  }

  /**
   * Tasks on a virtual-thread-per-task executor: {@code execute} ({@code <id>:0}), {@code submit}
   * ({@code <id>:1}) and {@code invokeAll} ({@code <id>:2}); {@code unsupported} before JDK 21.
   */
  static String virtualThreads(String id) throws Exception {
    if (Runtime.version().feature() < 21) {
      return "unsupported";
    }
    ExecutorService virtual =
        (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
    String value;
    try {
      value =
          FANOUT.compute(
              id,
              () -> {
                CountDownLatch executed = new CountDownLatch(1);
                virtual.execute(
                    () -> {
                      DepCache.addDependency(id + ":0");
                      executed.countDown();
                    });
                virtual.submit(() -> DepCache.addDependency(id + ":1")).get(10, TimeUnit.SECONDS);
                virtual
                    .invokeAll(
                        List.of(
                            () -> {
                              DepCache.addDependency(id + ":2");
                              return id;
                            }))
                    .get(0)
                    .get(10, TimeUnit.SECONDS);
                await(executed);
                return id;
              });
    } finally {
      virtual.shutdown();
    }
    return value + " computed=" + Calls.count("fanout:" + id);
  }

  /** The class of the executor that {@code *Async} stages use by default in this JVM. */
  static String defaultExecutor() {
    return new CompletableFuture<>().defaultExecutor().getClass().getName();
  }

  private static void await(CountDownLatch latch) {
    try {
      if (!latch.await(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException("not released in time");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
