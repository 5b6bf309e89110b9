package com.example.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.ToLongFunction;

/**
 * Hits per second with {@code threads} threads against raw pooled GETs (and GET + decode) with as
 * many threads, interleaved block by block in one JVM: the throughput ratios of {@link
 * ThroughputBenchmark} with the machine's noise falling on both sides alike. JMH runs its
 * benchmarks one after the other, so on a shared machine a load that comes and goes between them
 * moves the ratio; here every round measures each variant for one block, rotating which goes first,
 * and the ratio reported is the median of the rounds' ratios.
 *
 * <p>Run it in a JVM with the agent, as {@link ThroughputBenchmark}'s forks run ({@code
 * -javaagent}, {@code -Ddepcache.redis.url}, {@code -Ddepcache.prefix}, {@code -Dbench.redis.url},
 * and {@code -Ddepcache.serializer=kryo} for kryo); arguments: {@code threads [rounds
 * [blockMillis]]}. Prints {@code name: value} lines, named {@code
 * throughput_probe_<threads>t_<serializer>_...}. A probe, not a test: nothing here asserts a rate.
 */
public final class ThroughputProbe {
  private static volatile long sink;

  private ThroughputProbe() {}

  /** One variant: what a thread calls in a loop, and the calls per second of each round. */
  private record Variant(String name, ToLongFunction<Fixture> call, double[] rates) {}

  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      System.err.println("usage: ThroughputProbe threads [rounds [blockMillis]]");
      System.exit(2);
    }
    int threads = Integer.parseInt(args[0]);
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    long blockMillis = args.length > 2 ? Long.parseLong(args[2]) : 1_000;
    try (Fixture fixture = Fixture.create(threads)) {
      List<Variant> variants =
          List.of(
              new Variant("hit", f -> f.hit().createdAt(), new double[rounds]),
              new Variant("raw-get-decode", f -> f.rawGetDecode().createdAt(), new double[rounds]),
              new Variant("raw-get", f -> f.rawGet().length, new double[rounds]));
      for (int warm = 0; warm < 3; warm++) {
        for (Variant v : variants) {
          rate(fixture, v, threads, blockMillis);
        }
      }
      for (int r = 0; r < rounds; r++) {
        for (int i = 0; i < variants.size(); i++) {
          Variant v = variants.get((r + i) % variants.size());
          v.rates[r] = rate(fixture, v, threads, blockMillis);
        }
      }
      if (fixture.orders.computations() != 1) {
        throw new IllegalStateException(
            "the cached method ran " + fixture.orders.computations() + " times: not all hits");
      }
      String serializer = System.getProperty("depcache.serializer", "java");
      String name = "throughput_probe_" + threads + "t_" + serializer;
      System.out.println(name + "_rounds: " + rounds);
      System.out.println(name + "_block_ms: " + blockMillis);
      System.out.println(name + "_hits_per_s: " + format(median(variants.get(0).rates)));
      System.out.println(name + "_raw_get_decode_per_s: " + format(median(variants.get(1).rates)));
      System.out.println(name + "_raw_get_per_s: " + format(median(variants.get(2).rates)));
      System.out.println(
          name + "_vs_raw_ratio: " + format(medianRatio(variants.get(0), variants.get(2), rounds)));
      System.out.println(
          name
              + "_vs_raw_get_decode_ratio: "
              + format(medianRatio(variants.get(0), variants.get(1), rounds)));
    }
  }

  /** Calls per second of {@code threads} threads calling {@code v} for {@code blockMillis}. */
  private static double rate(Fixture fixture, Variant v, int threads, long blockMillis)
      throws Exception {
    LongAdder calls = new LongAdder();
    CyclicBarrier start = new CyclicBarrier(threads + 1);
    long[] window = new long[2];
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Thread worker =
          new Thread(
              () -> {
                long acc = 0;
                long n = 0;
                try {
                  start.await();
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
                long end = window[1];
                while (System.nanoTime() < end) {
                  acc += v.call.applyAsLong(fixture);
                  n++;
                }
                calls.add(n);
                sink += acc;
              },
              "probe-" + t);
      workers.add(worker);
      worker.start();
    }
    window[0] = System.nanoTime();
    window[1] = window[0] + TimeUnit.MILLISECONDS.toNanos(blockMillis);
    start.await(); // the barrier publishes window to the workers
    for (Thread worker : workers) {
      worker.join();
    }
    return calls.sum() * 1e9 / (System.nanoTime() - window[0]);
  }

  private static double medianRatio(Variant a, Variant b, int rounds) {
    double[] ratios = new double[rounds];
    for (int r = 0; r < rounds; r++) {
      ratios[r] = a.rates[r] / b.rates[r];
    }
    return median(ratios);
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  private static String format(double value) {
    return String.format(Locale.ROOT, "%.3f", value);
  }
}
