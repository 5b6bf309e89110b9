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
 * and {@code -Ddepcache.serializer=kryo} for kryo); arguments: {@code threads [rounds [blockMillis
 * [busy]]]}. Prints {@code name: value} lines, named {@code
 * throughput_probe_<threads>t_<serializer>_...}. A probe, not a test: nothing here asserts a rate.
 *
 * <p>With {@code busy} above 0, that many more threads compute without pause during every block (an
 * application's own work beside its cached calls), the names end in {@code _busy<busy>}, and {@code
 * _busy_work_per_s} lines give how much they computed while the hits ran and while the raw GETs
 * did: whether the lookups' waiting takes cores from them, or they from the lookups.
 */
public final class ThroughputProbe {
  private static volatile long sink;

  private ThroughputProbe() {}

  /**
   * One variant: what a thread calls in a loop, the calls per second of each round, and the busy
   * threads' work per second in each round.
   */
  private record Variant(String name, ToLongFunction<Fixture> call, double[] rates, double[] busy) {
    Variant(String name, ToLongFunction<Fixture> call, int rounds) {
      this(name, call, new double[rounds], new double[rounds]);
    }
  }

  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      System.err.println("usage: ThroughputProbe threads [rounds [blockMillis [busy]]]");
      System.exit(2);
    }
    int threads = Integer.parseInt(args[0]);
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    long blockMillis = args.length > 2 ? Long.parseLong(args[2]) : 1_000;
    int busy = args.length > 3 ? Integer.parseInt(args[3]) : 0;
    try (Fixture fixture = Fixture.create(threads)) {
      List<Variant> variants =
          List.of(
              new Variant("hit", f -> f.hit().createdAt(), rounds),
              new Variant("raw-get-decode", f -> f.rawGetDecode().createdAt(), rounds),
              new Variant("raw-get", f -> f.rawGet().length, rounds));
      for (int warm = 0; warm < 3; warm++) {
        for (Variant v : variants) {
          rate(fixture, v, threads, blockMillis, busy, new double[1]);
        }
      }
      for (int r = 0; r < rounds; r++) {
        for (int i = 0; i < variants.size(); i++) {
          Variant v = variants.get((r + i) % variants.size());
          double[] work = new double[1];
          v.rates[r] = rate(fixture, v, threads, blockMillis, busy, work);
          v.busy[r] = work[0];
        }
      }
      if (fixture.orders.computations() != 1) {
        throw new IllegalStateException(
            "the cached method ran " + fixture.orders.computations() + " times: not all hits");
      }
      String serializer = System.getProperty("depcache.serializer", "java");
      String name =
          "throughput_probe_" + threads + "t_" + serializer + (busy > 0 ? "_busy" + busy : "");
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
      if (busy > 0) {
        System.out.println(
            name + "_busy_work_per_s_beside_hits: " + format(median(variants.get(0).busy)));
        System.out.println(
            name + "_busy_work_per_s_beside_raw_gets: " + format(median(variants.get(2).busy)));
      }
    }
  }

  /**
   * Calls per second of {@code threads} threads calling {@code v} for {@code blockMillis}, with
   * {@code busy} threads computing beside them; {@code work[0]} receives their work per second.
   */
  private static double rate(
      Fixture fixture, Variant v, int threads, long blockMillis, int busy, double[] work)
      throws Exception {
    LongAdder calls = new LongAdder();
    LongAdder computed = new LongAdder();
    CyclicBarrier start = new CyclicBarrier(threads + busy + 1);
    long[] window = new long[2];
    List<Thread> workers = new ArrayList<>();
    ToLongFunction<Fixture> compute =
        f -> {
          long x = System.nanoTime(); // a seed the compiler cannot fold the loop over
          for (int i = 0; i < 1_000; i++) {
            x = x * 6364136223846793005L + 1442695040888963407L; // a step of an LCG
          }
          return x;
        };
    for (int t = 0; t < threads + busy; t++) {
      boolean calling = t < threads;
      ToLongFunction<Fixture> step = calling ? v.call : compute;
      LongAdder count = calling ? calls : computed;
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
                  acc += step.applyAsLong(fixture);
                  n++;
                }
                count.add(n);
                sink += acc;
              },
              (calling ? "probe-" : "busy-") + t);
      workers.add(worker);
      worker.start();
    }
    window[0] = System.nanoTime();
    window[1] = window[0] + TimeUnit.MILLISECONDS.toNanos(blockMillis);
    start.await(); // the barrier publishes window to the workers
    for (Thread worker : workers) {
      worker.join();
    }
    long elapsed = System.nanoTime() - window[0];
    work[0] = computed.sum() * 1e9 / elapsed;
    return calls.sum() * 1e9 / elapsed;
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
