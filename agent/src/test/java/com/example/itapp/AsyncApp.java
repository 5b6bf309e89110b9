package com.example.itapp;

import com.example.fixtures.Calls;
import io.depcache.DepCache;
import io.depcache.testing.LineApp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import jdk.jfr.consumer.RecordingStream;

/**
 * The application of the asynchronous end-to-end tests, in the line protocol of {@link LineApp}.
 * Compiled for Java 17: virtual threads are reached by reflection, where the JDK has them.
 */
public final class AsyncApp {
  private static final AtomicInteger BURSTS = new AtomicInteger();

  private AsyncApp() {}

  public static void main(String[] args) throws Exception {
    AsyncService service = new AsyncService();
    LineApp.serve(words -> run(words, service), "error");
  }

  private static String run(String[] words, AsyncService service) throws Exception {
    switch (words[0]) {
      case "order":
        return service.order(Integer.parseInt(words[1])).get(10, TimeUnit.SECONDS)
            + " computed="
            + Calls.count("order");
      case "total":
        return service.total(Integer.parseInt(words[1])).get(10, TimeUnit.SECONDS)
            + " computed="
            + Calls.count("total");
      case "invalidate":
        return String.valueOf(DepCache.manager().invalidateDependency(words[1]));
      case "virtual":
        return virtual(service, Integer.parseInt(words[1]), Integer.parseInt(words[2]));
      default:
        return "unknown command " + words[0];
    }
  }

  /**
   * {@code threads} virtual threads at once, each calling {@link AsyncService#slow} on one of
   * {@code keys} keys, while JFR counts the times a virtual thread pinned its carrier.
   */
  private static String virtual(AsyncService service, int threads, int keys) throws Exception {
    ExecutorService executor;
    try {
      executor =
          (ExecutorService)
              Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
    } catch (NoSuchMethodException e) {
      return "no virtual threads";
    }
    AtomicInteger pinned = new AtomicInteger();
    int before = Calls.count("slow");
    // Keys of their own per burst: a burst computes its keys once, whatever ran before.
    int base = BURSTS.getAndAdd(keys);
    long start = System.nanoTime();
    try (RecordingStream events = new RecordingStream()) {
      events.enable("jdk.VirtualThreadPinned").withThreshold(Duration.ZERO).withStackTrace();
      events.onEvent(
          "jdk.VirtualThreadPinned",
          event -> {
            // The JDK pins while a class loads or its poller starts, once: not what is tested.
            String trace = String.valueOf(event.getStackTrace());
            if (trace.contains("ClassLoader.loadClass") || trace.contains("Poller")) {
              return;
            }
            if (pinned.incrementAndGet() == 1) {
              System.err.println("pinned: " + event);
            }
          });
      events.startAsync();
      List<Future<String>> calls = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        int key = base + i % keys;
        calls.add(executor.submit(() -> service.slow(key)));
      }
      int done = 0;
      for (Future<String> call : calls) {
        if (call.get(60, TimeUnit.SECONDS).startsWith("slow")) {
          done++;
        }
      }
      long millis = (System.nanoTime() - start) / 1_000_000;
      executor.shutdown();
      Thread.sleep(500); // JFR hands its events over in chunks
      return "done="
          + done
          + " computed="
          + (Calls.count("slow") - before)
          + " pinned="
          + pinned.get()
          + " ms="
          + millis;
    }
  }
}
