package com.example.bench;

import io.depcache.DepCache;
import io.depcache.agent.serial.AllowList;
import io.depcache.agent.serial.EntryCodec;
import io.depcache.agent.serial.JavaSerializer;
import io.depcache.agent.serial.StoredEntry;
import io.depcache.agent.store.KeyLayout;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import redis.clients.jedis.RedisClient;

/**
 * Measures what a {@code @DepCached} hit costs against a raw Jedis GET of the same entry: a first
 * step towards issue 6's JMH suite, run by {@code scripts/hit-cost.sh}.
 *
 * <p>Three variants run interleaved, block by block, in one JVM, so that machine noise (GC, the
 * JIT, the other processes on the host, redis-server itself) falls on all of them alike: the hit
 * through the agent; a raw binary GET of the entry's store key with a Jedis {@link RedisClient} of
 * its own plus {@link EntryCodec#decode} with a {@link JavaSerializer}, which is what a hit cannot
 * avoid doing; the raw GET alone; and a hit of the same value through a method that returns it as a
 * {@code CompletableFuture}, with its {@code join()}. Each call is timed on its own; the output is
 * {@code name: value} lines with percentiles in microseconds and the ratios at the median.
 *
 * <p>Run it with {@code -javaagent:agent/target/depcache-agent.jar -Ddepcache.redis.url=URL
 * -Ddepcache.prefix=bench}; arguments: {@code URL [rounds [blockSize]]}. This is a probe, not a
 * test: nothing here asserts a time.
 */
public final class HitCostProbe {
  /** Calls per variant before measuring: enough for C2 to compile the three paths. */
  private static final int WARMUP_CALLS = 20_000;

  /** One line of an order: the small records a typical DTO carries a list of. */
  /** One variant: a call to time, its samples, and the bytes it allocated. */
  private abstract static class Variant {
    final String name;
    long[] samples;
    int count;
    long allocated;

    Variant(String name) {
      this.name = name;
    }

    /** One call; returns something derived from the result so the JIT cannot drop the work. */
    abstract long call();
  }

  private static volatile long sink;

  private HitCostProbe() {}

  public static void main(String[] args) {
    if (args.length < 1) {
      System.err.println("usage: HitCostProbe REDIS_URL [rounds [blockSize]]");
      System.exit(2);
    }
    String url = args[0];
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 30;
    int block = args.length > 2 ? Integer.parseInt(args[2]) : 2_000;
    if (!DepCache.isAgentActive()) {
      fail("the depcache agent is not active: start the JVM with -javaagent:depcache-agent.jar");
    }

    // A fresh id (always seven digits, so keys keep their length) makes the first call a miss even
    // on a Redis that holds an entry of an earlier run.
    long id = ThreadLocalRandom.current().nextLong(1_000_000, 10_000_000);
    Orders orders = new Orders();
    Order first = orders.order(id);
    if (orders.lastKey() == null) {
      fail("the first call was not a cached miss (no DepCache.currentCacheKey())");
    }
    String prefix = System.getProperty("depcache.prefix", "depcache");
    byte[] storeKey =
        KeyLayout.entryKey(KeyLayout.namespace(prefix, "default"), orders.lastKey())
            .getBytes(StandardCharsets.UTF_8);
    AllowList allowList = new AllowList();
    allowList.allow(Order.class.getPackageName() + ".*");
    JavaSerializer serializer = new JavaSerializer(allowList);
    ClassLoader loader = HitCostProbe.class.getClassLoader();

    try (RedisClient redis = RedisClient.builder().fromURI(url).build()) {
      byte[] stored = redis.get(storeKey);
      if (stored == null) {
        fail("no entry under " + new String(storeKey, StandardCharsets.UTF_8));
      }
      Object decoded = EntryCodec.decode(stored, serializer, loader).value();
      if (!first.equals(decoded) || !first.equals(orders.order(id))) {
        fail("the stored entry does not decode to the computed value");
      }
      if (!first.equals(orders.orderAsync(id).join()) || orders.lastAsyncKey() == null) {
        fail("the first asynchronous call was not a cached miss");
      }
      awaitEntry(orders.lastAsyncKey());

      Variant hit =
          new Variant("hit") {
            @Override
            long call() {
              return orders.order(id).createdAt();
            }
          };
      Variant getDecode =
          new Variant("get-decode") {
            @Override
            long call() {
              StoredEntry entry = EntryCodec.decode(redis.get(storeKey), serializer, loader);
              return ((Order) entry.value()).createdAt();
            }
          };
      Variant get =
          new Variant("get") {
            @Override
            long call() {
              return redis.get(storeKey).length;
            }
          };
      Variant asyncHit =
          new Variant("async-hit") {
            @Override
            long call() {
              return orders.orderAsync(id).join().createdAt();
            }
          };
      // the first three's places are fixed: report() takes its ratios from them
      List<Variant> variants = List.of(hit, getDecode, get, asyncHit);

      run(variants, Math.max(5, (WARMUP_CALLS + block - 1) / block), block);
      for (Variant v : variants) {
        v.samples = new long[rounds * block];
        v.count = 0;
        v.allocated = 0;
      }
      run(variants, rounds, block);

      if (orders.computations() != 1 || orders.asyncComputations() != 1) {
        fail(
            "the cached methods ran "
                + orders.computations()
                + " and "
                + orders.asyncComputations()
                + " times; the hits were not hits");
      }
      report(variants, rounds, block, stored.length, orders.lastKey());
      DepCache.manager().delete(orders.lastKey(), orders.lastAsyncKey());
      DepCache.manager().invalidateDependency("order:" + id);
    }
  }

  /** Runs rounds of one block per variant, rotating which variant goes first. */
  private static void run(List<Variant> variants, int rounds, int block) {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long thread = Thread.currentThread().getId();
    long acc = 0;
    for (int r = 0; r < rounds; r++) {
      for (int i = 0; i < variants.size(); i++) {
        Variant v = variants.get((r + i) % variants.size());
        long allocatedBefore = threads.getThreadAllocatedBytes(thread);
        for (int c = 0; c < block; c++) {
          long start = System.nanoTime();
          acc += v.call();
          long elapsed = System.nanoTime() - start;
          if (v.samples != null) {
            v.samples[v.count++] = elapsed;
          }
        }
        v.allocated += threads.getThreadAllocatedBytes(thread) - allocatedBefore;
      }
    }
    sink = acc;
  }

  private static void report(
      List<Variant> variants, int rounds, int block, int entryBytes, String key) {
    System.out.println("key: " + key);
    System.out.println("entry-bytes: " + entryBytes);
    System.out.println("rounds: " + rounds);
    System.out.println("block: " + block);
    System.out.println("calls-per-variant: " + (long) rounds * block);
    System.out.println("java: " + System.getProperty("java.vm.name") + " " + Runtime.version());
    System.out.println("cpus: " + Runtime.getRuntime().availableProcessors());
    double[] medians = new double[variants.size()];
    for (int i = 0; i < variants.size(); i++) {
      Variant v = variants.get(i);
      long[] sorted = Arrays.copyOf(v.samples, v.count);
      Arrays.sort(sorted);
      medians[i] = percentile(sorted, 0.50);
      System.out.println(v.name + ".p50-us: " + micros(medians[i]));
      System.out.println(v.name + ".p90-us: " + micros(percentile(sorted, 0.90)));
      System.out.println(v.name + ".p99-us: " + micros(percentile(sorted, 0.99)));
      System.out.println(v.name + ".alloc-bytes-per-call: " + v.allocated / v.count);
    }
    System.out.println("ratio.hit/get-decode.p50: " + ratio(medians[0] / medians[1]));
    System.out.println("ratio.hit/get.p50: " + ratio(medians[0] / medians[2]));
    System.out.println("ratio.async-hit/hit.p50: " + ratio(medians[3] / medians[0]));
    System.out.println("sink: " + (sink & 1)); // keeps the results observable
  }

  /** Waits for an entry written behind the call that computed it. */
  private static void awaitEntry(String key) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!DepCache.manager().exists(key)) {
      if (System.nanoTime() > deadline) {
        fail("the asynchronous entry " + key + " was not written");
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
    }
  }

  /** The nearest-rank percentile of sorted samples. */
  private static double percentile(long[] sorted, double p) {
    int rank = (int) Math.ceil(p * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  private static String micros(double nanos) {
    return String.format(Locale.ROOT, "%.1f", nanos / 1000);
  }

  private static String ratio(double value) {
    return String.format(Locale.ROOT, "%.2f", value);
  }

  private static void fail(String message) {
    System.err.println("HitCostProbe: " + message);
    System.exit(1);
  }
}
