package com.example.bench;

import java.io.File;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the JMH benchmarks of issue 6 in one run and prints a table, then one {@code name: value}
 * line per figure derived from them, then the cost of the agent's propagation advice on {@code
 * ThreadPoolExecutor.execute} ({@link ExecuteBenchmark}, with the agent and without).
 *
 * <p>Arguments: {@code --agent=JAR --redis=URL [--quick] [--log=FILE] [--jvm-opts="..."]}. Every
 * benchmark runs in forked JVMs started with {@code -javaagent:JAR}, the agent and the raw client
 * both on {@code URL}, and under JMH's gc profiler (allocation per operation). This JVM itself
 * needs no agent. JMH's own report goes to the log file, that of the decoding benchmarks to the
 * same name ending in {@code -decode.log}, that of the hit with {@code depcache.serializer=kryo}
 * (forks of their own, results named {@code [kryo]}) to one ending in {@code -kryo.log}.
 */
public final class BenchSuite {
  /** The value of {@code DecodeBenchmark} that every run decodes, and the headline figure's. */
  private static final String LARGEST_DECODED = "list10000";

  /** The flag of the forks whose agent writes with kryo; their results are named {@code [kryo]}. */
  private static final String KRYO_FORK = "-Ddepcache.serializer=kryo";

  private BenchSuite() {}

  public static void main(String[] args) throws Exception {
    String agent = null;
    String redis = null;
    String log = null;
    String jvmOpts = "-Xms512m -Xmx512m";
    boolean quick = false;
    for (String arg : args) {
      if (arg.startsWith("--agent=")) {
        agent = arg.substring("--agent=".length());
      } else if (arg.startsWith("--redis=")) {
        redis = arg.substring("--redis=".length());
      } else if (arg.startsWith("--log=")) {
        log = arg.substring("--log=".length());
      } else if (arg.startsWith("--jvm-opts=")) {
        jvmOpts = arg.substring("--jvm-opts=".length());
      } else if (arg.equals("--quick")) {
        quick = true;
      } else {
        usage();
      }
    }
    if (agent == null || redis == null || !new File(agent).isFile()) {
      usage();
    }
    List<String> plainArgs = new ArrayList<>(List.of(jvmOpts.trim().split("\\s+")));
    plainArgs.removeIf(String::isEmpty);
    List<String> forkArgs = new ArrayList<>(plainArgs);
    forkArgs.addAll(
        List.of(
            "-javaagent:" + agent,
            "-Ddepcache.redis.url=" + redis,
            "-Ddepcache.prefix=bench",
            "-Dbench.redis.url=" + redis,
            "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"));
    ChainedOptionsBuilder options =
        forked(
            "com\\.example\\.bench\\.(Hit|Throughput|Throughput64|Serializer|SerializerThroughput)Benchmark\\.",
            forkArgs);
    iterations(options, quick);
    if (log != null) {
      options.output(log);
    }
    List<RunResult> results = new ArrayList<>(new Runner(options.build()).run());
    // The hit again with depcache.serializer=kryo, in forks of its own and under another prefix:
    // what switching the serializer does to a hit, beside the java hit of the same run.
    List<String> kryoArgs = new ArrayList<>(forkArgs);
    kryoArgs.replaceAll(
        a -> a.equals("-Ddepcache.prefix=bench") ? "-Ddepcache.prefix=bench-kryo" : a);
    kryoArgs.add(KRYO_FORK);
    ChainedOptionsBuilder kryoHit =
        forked(
            "com\\.example\\.bench\\.(HitBenchmark\\.(hit|rawGetDecode)|Throughput(64)?Benchmark\\.\\w+)$",
            kryoArgs);
    iterations(kryoHit, quick);
    if (log != null) {
      kryoHit.output(log.replaceFirst("(\\.log)?$", "-kryo.log"));
    }
    results.addAll(new Runner(kryoHit.build()).run());
    // The near hit, in forks whose agent has the near cache on (copy=false, the default), under a
    // prefix of their own; compared with the Redis hit of the same run.
    List<String> nearArgs = new ArrayList<>(forkArgs);
    nearArgs.replaceAll(
        a -> a.equals("-Ddepcache.prefix=bench") ? "-Ddepcache.prefix=bench-near" : a);
    nearArgs.add("-Ddepcache.near-cache.enabled=true");
    ChainedOptionsBuilder near = forked("com\\.example\\.bench\\.NearBenchmark\\.", nearArgs);
    iterations(near, quick);
    if (log != null) {
      near.output(log.replaceFirst("(\\.log)?$", "-near.log"));
    }
    results.addAll(new Runner(near.build()).run());
    // One fork per benchmark and value: the share of the pass is a ratio of medians, which needs
    // fewer samples than the hit's tail. A quick run decodes the largest value only (two forks,
    // about 9 s), a full run all three.
    ChainedOptionsBuilder decode =
        forked("io\\.depcache\\.agent\\.serial\\.DecodeBenchmark\\.", forkArgs)
            .forks(1)
            .warmupIterations(2)
            .warmupTime(TimeValue.seconds(1))
            .measurementIterations(quick ? 2 : 3)
            .measurementTime(TimeValue.milliseconds(quick ? 500 : 1000));
    if (quick) {
      decode.param("value", LARGEST_DECODED);
    }
    if (log != null) {
      decode.output(log.replaceFirst("(\\.log)?$", "-decode.log"));
    }
    results.addAll(new Runner(decode.build()).run());
    report(results);
    propagation(forkArgs, plainArgs, quick, log);
  }

  /**
   * {@link ExecuteBenchmark} in forks with the agent and in forks without, alternately, one fork at
   * a time, so that a slow spell of the shared machine falls on both alike; each side's figure is
   * the median of its measured iterations.
   */
  private static void propagation(
      List<String> withAgent, List<String> without, boolean quick, String log)
      throws RunnerException {
    int rounds = quick ? 1 : 3;
    List<Double> agent = new ArrayList<>();
    List<Double> plain = new ArrayList<>();
    for (int round = 0; round < rounds; round++) {
      iterations(execute(withAgent, quick, log, "agent-" + round), agent);
      iterations(execute(without, quick, log, "plain-" + round), plain);
    }
    double withMedian = median(agent);
    double withoutMedian = median(plain);
    figure("propagation_execute_ns", withMedian);
    figure("propagation_execute_without_agent_ns", withoutMedian);
    figure("propagation_overhead_ns", withMedian - withoutMedian);
  }

  private static Collection<RunResult> execute(
      List<String> forkArgs, boolean quick, String log, String name) throws RunnerException {
    ChainedOptionsBuilder options =
        new OptionsBuilder()
            .include("com\\.example\\.bench\\.ExecuteBenchmark\\.")
            .jvmArgsAppend(forkArgs.toArray(new String[0]))
            .shouldFailOnError(true)
            .forks(1)
            .warmupIterations(quick ? 2 : 3)
            .warmupTime(TimeValue.seconds(1))
            .measurementIterations(quick ? 3 : 5)
            .measurementTime(TimeValue.seconds(1));
    if (log != null) {
      options.output(
          new File(new File(log).getAbsoluteFile().getParentFile(), "jmh-execute-" + name + ".log")
              .getPath());
    }
    return new Runner(options.build()).run();
  }

  private static void iterations(Collection<RunResult> results, List<Double> into) {
    for (RunResult run : results) {
      for (BenchmarkResult fork : run.getBenchmarkResults()) {
        for (IterationResult iteration : fork.getIterationResults()) {
          into.add(iteration.getPrimaryResult().getScore());
        }
      }
    }
  }

  private static double median(List<Double> values) {
    if (values.isEmpty()) {
      throw new IllegalStateException("JMH produced no result for ExecuteBenchmark");
    }
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  private static void iterations(ChainedOptionsBuilder options, boolean quick) {
    if (quick) {
      options
          .forks(1)
          .warmupIterations(2)
          .warmupTime(TimeValue.seconds(1))
          .measurementIterations(3)
          .measurementTime(TimeValue.seconds(1));
    } else {
      options
          .forks(2)
          .warmupIterations(3)
          .warmupTime(TimeValue.seconds(1))
          .measurementIterations(5)
          .measurementTime(TimeValue.seconds(2));
    }
  }

  /** The benchmarks that match, each in forked JVMs with the agent, under the gc profiler. */
  private static ChainedOptionsBuilder forked(String include, List<String> forkArgs) {
    return new OptionsBuilder()
        .include(include)
        .jvmArgsAppend(forkArgs.toArray(new String[0]))
        .addProfiler(GCProfiler.class)
        .shouldFailOnError(true);
  }

  private static void report(List<RunResult> results) {
    Map<String, RunResult> byName = new HashMap<>();
    System.out.printf(
        Locale.ROOT,
        "%-36s %-6s %10s %10s %10s %12s %-6s %11s%n",
        "benchmark",
        "mode",
        "p50",
        "p90",
        "p99",
        "score",
        "unit",
        "alloc B/op");
    for (RunResult run : results) {
      String full = run.getParams().getBenchmark();
      String name = full.substring(full.lastIndexOf('.', full.lastIndexOf('.') - 1) + 1);
      String value = run.getParams().getParam("value");
      if (value != null) {
        name += ":" + value;
      }
      if (run.getParams().getJvmArgs().contains(KRYO_FORK)) {
        name += "[kryo]";
      }
      byName.put(name, run);
      Result<?> primary = run.getPrimaryResult();
      boolean sampled = run.getParams().getMode().shortLabel().equals("sample");
      System.out.printf(
          Locale.ROOT,
          "%-36s %-6s %10s %10s %10s %12.1f %-6s %11.0f%n",
          name,
          run.getParams().getMode().shortLabel(),
          sampled ? number(percentile(run, 50)) : "-",
          sampled ? number(percentile(run, 90)) : "-",
          sampled ? number(percentile(run, 99)) : "-",
          primary.getScore(),
          primary.getScoreUnit(),
          alloc(run));
    }
    System.out.println();
    double rawGetDecode = percentile(need(byName, "HitBenchmark.rawGetDecode"), 50);
    double hit = percentile(need(byName, "HitBenchmark.hit"), 50);
    double asyncHit = percentile(need(byName, "HitBenchmark.hitAsync"), 50);
    figure("hit_p50_us", hit);
    figure("async_hit_p50_us", asyncHit);
    figure("async_hit_vs_sync_hit_p50_ratio", asyncHit / hit);
    figure("miss_p50_us", percentile(need(byName, "HitBenchmark.miss"), 50));
    figure("raw_get_decode_p50_us", rawGetDecode);
    figure("raw_get_p50_us", percentile(need(byName, "HitBenchmark.rawGet"), 50));
    figure(
        "hit_vs_raw_get_p50_ratio",
        percentile(need(byName, "HitBenchmark.hit"), 50) / rawGetDecode);
    figure(
        "miss_vs_raw_get_p50_ratio",
        percentile(need(byName, "HitBenchmark.miss"), 50) / rawGetDecode);
    double javaDeserAlloc = alloc(need(byName, "SerializerBenchmark.javaDeserialize"));
    figure("hit_alloc_bytes_per_op", alloc(need(byName, "HitBenchmark.hit")) - javaDeserAlloc);
    figure(
        "async_hit_alloc_bytes_per_op",
        alloc(need(byName, "HitBenchmark.hitAsync")) - javaDeserAlloc);
    figure(
        "raw_get_decode_alloc_bytes_per_op",
        alloc(need(byName, "HitBenchmark.rawGetDecode")) - javaDeserAlloc);
    figure("serializer_java_deser_alloc_bytes_per_op", javaDeserAlloc);
    // What the agent allocates beyond reading the entry (the client's GET, its reply's bytes) and
    // decoding it: the hit's own cost, which issue 13 bounds at 200 B.
    figure(
        "hit_alloc_beyond_raw_bytes_per_op",
        alloc(need(byName, "HitBenchmark.hit")) - alloc(need(byName, "HitBenchmark.rawGetDecode")));
    double rawThroughput = score(need(byName, "ThroughputBenchmark.rawGet"));
    figure("throughput_8t_hits_per_s", score(need(byName, "ThroughputBenchmark.hit")));
    figure("throughput_8t_raw_get_per_s", rawThroughput);
    figure(
        "throughput_8t_vs_raw_ratio",
        score(need(byName, "ThroughputBenchmark.hit")) / rawThroughput);
    figure(
        "throughput_8t_vs_raw_get_decode_ratio",
        score(need(byName, "ThroughputBenchmark.hit"))
            / score(need(byName, "ThroughputBenchmark.rawGetDecode")));
    double raw64 = score(need(byName, "Throughput64Benchmark.rawGet"));
    figure("throughput_64t_hits_per_s", score(need(byName, "Throughput64Benchmark.hit")));
    figure("throughput_64t_raw_get_per_s", raw64);
    figure("throughput_64t_vs_raw_ratio", score(need(byName, "Throughput64Benchmark.hit")) / raw64);
    // The same with kryo, in the kryo forks: decoding a seventh of java's leaves the round trips
    // and the agent's own work as the cost that sharing round trips divides.
    double rawKryo = score(need(byName, "ThroughputBenchmark.rawGet[kryo]"));
    figure("throughput_8t_kryo_hits_per_s", score(need(byName, "ThroughputBenchmark.hit[kryo]")));
    figure(
        "throughput_8t_kryo_vs_raw_ratio",
        score(need(byName, "ThroughputBenchmark.hit[kryo]")) / rawKryo);
    figure(
        "throughput_8t_kryo_vs_raw_get_decode_ratio",
        score(need(byName, "ThroughputBenchmark.hit[kryo]"))
            / score(need(byName, "ThroughputBenchmark.rawGetDecode[kryo]")));
    figure(
        "throughput_64t_kryo_hits_per_s", score(need(byName, "Throughput64Benchmark.hit[kryo]")));
    figure(
        "throughput_64t_kryo_vs_raw_ratio",
        score(need(byName, "Throughput64Benchmark.hit[kryo]"))
            / score(need(byName, "Throughput64Benchmark.rawGet[kryo]")));
    figure(
        "serializer_java_deser_ns",
        percentile(need(byName, "SerializerBenchmark.javaDeserialize"), 50));
    figure(
        "serializer_java_ser_ns",
        percentile(need(byName, "SerializerBenchmark.javaSerialize"), 50));
    double kryoDeser = percentile(need(byName, "SerializerBenchmark.kryoDeserialize"), 50);
    double kryoDeserAlloc = alloc(need(byName, "SerializerBenchmark.kryoDeserialize"));
    figure("serializer_kryo_deser_ns", kryoDeser);
    figure(
        "serializer_kryo_ser_ns",
        percentile(need(byName, "SerializerBenchmark.kryoSerialize"), 50));
    figure(
        "serializer_kryo_deser_cold_ns",
        percentile(need(byName, "SerializerBenchmark.kryoDeserializeCold"), 50));
    figure("serializer_kryo_deser_alloc_bytes_per_op", kryoDeserAlloc);
    figure(
        "serializer_kryo_vs_java_deser_p50_ratio",
        kryoDeser / percentile(need(byName, "SerializerBenchmark.javaDeserialize"), 50));
    figure(
        "serializer_8t_java_deser_per_s",
        score(need(byName, "SerializerThroughputBenchmark.javaDeserialize")));
    figure(
        "serializer_8t_kryo_deser_per_s",
        score(need(byName, "SerializerThroughputBenchmark.kryoDeserialize")));
    double kryoHit = percentile(need(byName, "HitBenchmark.hit[kryo]"), 50);
    figure("hit_kryo_p50_us", kryoHit);
    figure(
        "raw_get_decode_kryo_p50_us",
        percentile(need(byName, "HitBenchmark.rawGetDecode[kryo]"), 50));
    figure(
        "hit_kryo_vs_java_hit_p50_ratio",
        kryoHit / percentile(need(byName, "HitBenchmark.hit"), 50));
    figure(
        "hit_kryo_alloc_bytes_per_op",
        alloc(need(byName, "HitBenchmark.hit[kryo]")) - kryoDeserAlloc);
    double nearHit = percentile(need(byName, "NearBenchmark.nearHit"), 50);
    figure("near_hit_ns_p50", nearHit);
    figure("near_hit_alloc_bytes_per_op", alloc(need(byName, "NearBenchmark.nearHit")));
    figure(
        "near_get_or_compute_ns_p50",
        percentile(need(byName, "NearBenchmark.nearGetOrCompute"), 50));
    figure(
        "near_get_or_compute_alloc_bytes_per_op",
        alloc(need(byName, "NearBenchmark.nearGetOrCompute")));
    // HitBenchmark reports microseconds, NearBenchmark nanoseconds
    figure("near_vs_redis_hit_ratio", nearHit / (hit * 1000));
    for (String value : List.of("dto", "order200", LARGEST_DECODED)) {
      if (byName.containsKey("DecodeBenchmark.decode:" + value)) {
        figure("decode_" + value + "_ns", decodeP50(byName, "decode", value));
        figure("decode_prepass_" + value + "_ns", decodeP50(byName, "prepass", value));
        figure("decode_prepass_share_" + value, prepassShare(byName, value));
      }
    }
    figure("decode_prepass_share", prepassShare(byName, LARGEST_DECODED));
  }

  private static double decodeP50(Map<String, RunResult> byName, String benchmark, String value) {
    return percentile(need(byName, "DecodeBenchmark." + benchmark + ":" + value), 50);
  }

  /** p50 of the pass that bounds reading over p50 of the whole decoding, on one value. */
  private static double prepassShare(Map<String, RunResult> byName, String value) {
    return decodeP50(byName, "prepass", value) / decodeP50(byName, "decode", value);
  }

  private static RunResult need(Map<String, RunResult> byName, String name) {
    RunResult run = byName.get(name);
    if (run == null) {
      throw new IllegalStateException("JMH produced no result for " + name);
    }
    return run;
  }

  private static double percentile(RunResult run, double p) {
    return run.getPrimaryResult().getStatistics().getPercentile(p);
  }

  private static double score(RunResult run) {
    return run.getPrimaryResult().getScore();
  }

  /** Bytes allocated per operation, from the gc profiler; NaN when it reported none. */
  private static double alloc(RunResult run) {
    Result<?> norm = run.getSecondaryResults().get("gc.alloc.rate.norm");
    return norm == null ? Double.NaN : norm.getScore();
  }

  private static String number(double value) {
    return String.format(Locale.ROOT, "%.1f", value);
  }

  private static void figure(String name, double value) {
    String text =
        Math.abs(value) >= 100
            ? String.format(Locale.ROOT, "%.0f", value)
            : String.format(Locale.ROOT, "%.3f", value);
    System.out.println(name + ": " + text);
  }

  private static void usage() {
    System.err.println(
        "usage: BenchSuite --agent=JAR --redis=URL [--quick] [--log=FILE] [--jvm-opts=\"...\"]");
    System.exit(2);
  }
}
