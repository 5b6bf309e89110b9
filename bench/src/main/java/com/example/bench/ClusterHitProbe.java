package com.example.bench;

import io.depcache.DepCache;
import io.depcache.agent.serial.AllowList;
import io.depcache.agent.serial.EntryCodec;
import io.depcache.agent.serial.Serializer;
import io.depcache.agent.serial.Serializers;
import io.depcache.agent.store.KeyLayout;
import io.depcache.agent.store.RedisClusterStore;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.params.ZAddParams;
import redis.clients.jedis.resps.Slowlog;

/**
 * Run by {@link ClusterProbe} in a JVM whose agent caches on a Redis Cluster. Two figures:
 *
 * <ul>
 *   <li>{@code cluster_hit_vs_raw_get_p50_ratio}: a {@code @DepCached} hit against a raw {@code
 *       GET} of the same entry with Jedis' own cluster client plus its decoding (what a hit cannot
 *       avoid, as {@code hit_vs_raw_get_p50_ratio} on one Redis), interleaved block by block (and
 *       the raw {@code GET} alone), each call timed; the ratio of the medians.
 *   <li>{@code cluster_invalidate_100k_ms}: the median time of {@code invalidateDependency} of one
 *       dependency with 100,000 dependents spread over the cluster, filled by a pipeline in the
 *       form the agent's writes give them; every dependent is gone afterwards. One invalidation of
 *       10,000 goes first, unmeasured, as in {@link InvalidateProbe}; SLOWLOG and the CPU the nodes
 *       and the JVM spent are read around each measured one ({@link ServerCpu}).
 * </ul>
 *
 * <p>Arguments: {@code nodes [rounds [trials]]}. A probe: nothing here asserts a time. With {@code
 * -Dbench.cluster.fifo=true} (root), the nodes run under {@code SCHED_FIFO} during the
 * invalidations: a diagnosis of the commands over 10 ms, whose times are then not comparable.
 */
public final class ClusterHitProbe {
  private static final int BLOCK = 2_000;
  private static final int DEPENDENTS = 100_000;
  private static final String SLOWER_THAN_MICROS = "1000";
  private static volatile long sink;

  private ClusterHitProbe() {}

  public static void main(String[] args) throws Exception {
    if (!DepCache.isAgentActive()) {
      throw new IllegalStateException("the depcache agent is not active");
    }
    String nodes = args[0];
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    int trials = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    String prefix = System.getProperty("depcache.prefix", "depcache");
    String namespace = KeyLayout.namespace(prefix, "default");
    Set<HostAndPort> seeds = new HashSet<>();
    for (String node : nodes.split(",")) {
      seeds.add(HostAndPort.from(node));
    }
    try (RedisClusterClient raw = RedisClusterClient.builder().nodes(seeds).build()) {
      hits(raw, namespace, rounds);
      invalidations(raw, seeds, namespace, trials);
    }
  }

  private static void hits(RedisClusterClient raw, String namespace, int rounds) {
    Orders orders = new Orders();
    long id = ThreadLocalRandom.current().nextLong(1_000_000, 10_000_000);
    Order first = orders.order(id);
    byte[] stored = RedisClusterStore.storedName(KeyLayout.entryKey(namespace, orders.lastKey()));
    if (raw.get(stored) == null || !first.equals(orders.order(id))) {
      throw new IllegalStateException("the entry is not on the cluster, or the call is no hit");
    }
    AllowList allowList = new AllowList();
    allowList.allow(ClusterHitProbe.class.getPackageName() + ".*");
    Serializer serializer = Serializers.named(Serializers.JAVA, allowList);
    ClassLoader loader = ClusterHitProbe.class.getClassLoader();
    long[][] samples = new long[3][rounds * BLOCK]; // hit, raw GET + decode, raw GET
    long acc = 0;
    for (int round = -3; round < rounds; round++) { // three rounds of warm-up
      for (int i = 0; i < 3; i++) {
        int variant = Math.floorMod(round + i, 3); // which goes first rotates
        for (int c = 0; c < BLOCK; c++) {
          long start = System.nanoTime();
          acc +=
              switch (variant) {
                case 0 -> orders.order(id).createdAt();
                case 1 ->
                    ((Order) EntryCodec.decode(raw.get(stored), serializer, loader).value())
                        .createdAt();
                default -> raw.get(stored).length;
              };
          long elapsed = System.nanoTime() - start;
          if (round >= 0) {
            samples[variant][round * BLOCK + c] = elapsed;
          }
        }
      }
    }
    sink = acc;
    if (orders.computations() != 1) {
      throw new IllegalStateException("the cached method ran " + orders.computations() + " times");
    }
    double hitP50 = median(samples[0]);
    double getDecodeP50 = median(samples[1]);
    figure("cluster_hit_p50_us", hitP50 / 1_000);
    figure("cluster_raw_get_decode_p50_us", getDecodeP50 / 1_000);
    figure("cluster_raw_get_p50_us", median(samples[2]) / 1_000);
    // as hit_vs_raw_get_p50_ratio on one Redis: against what a hit cannot avoid, GET + decode
    figure("cluster_hit_vs_raw_get_p50_ratio", hitP50 / getDecodeP50);
  }

  /** Unmeasured invalidations of a tenth as many dependents before the measured ones. */
  private static final int WARM_UP_TRIALS = 20;

  private static void invalidations(
      RedisClusterClient raw, Set<HostAndPort> nodes, String namespace, int trials) {
    byte[] value = new byte[64];
    List<Double> millis = new ArrayList<>();
    long longestMicros = 0;
    long overTen = 0;
    String longest = "none of 1 ms or more";
    Map<String, Long> overOne = new TreeMap<>();
    List<Long> jvmCpu = new ArrayList<>();
    List<Long> primariesCpu = new ArrayList<>();
    List<Long> replicasCpu = new ArrayList<>();
    List<Long> waits = new ArrayList<>();
    Map<String, Long> overTenByCommand = new TreeMap<>();
    // Unmeasured, as InvalidateProbe's first trials: the scripts, the pools, and the JIT, whose
    // compiler threads would otherwise take the cores from the nodes in the first measured trials.
    for (int w = 0; w < WARM_UP_TRIALS; w++) {
      String warm = "warm" + w + ":" + ThreadLocalRandom.current().nextInt(1_000_000);
      byte[] warmSet = RedisClusterStore.storedName(KeyLayout.dependencyKey(namespace, warm));
      try (AbstractPipeline pipeline = raw.pipelined()) {
        for (int i = 0; i < DEPENDENTS / 10; i++) {
          String entry = KeyLayout.entryKey(namespace, warm + ":" + i);
          pipeline.set(RedisClusterStore.storedName(entry), value);
          pipeline.zadd(
              warmSet, 0, entry.getBytes(StandardCharsets.UTF_8), ZAddParams.zAddParams());
        }
      }
      DepCache.manager().invalidateDependency(warm);
    }
    for (int trial = 0; trial < trials; trial++) {
      String name = "hot" + trial + ThreadLocalRandom.current().nextInt(1_000_000);
      byte[] set = RedisClusterStore.storedName(KeyLayout.dependencyKey(namespace, name));
      try (AbstractPipeline pipeline = raw.pipelined()) {
        for (int i = 0; i < DEPENDENTS; i++) {
          String entry = KeyLayout.entryKey(namespace, name + ":" + i);
          pipeline.set(RedisClusterStore.storedName(entry), value);
          pipeline.zadd(set, 0, entry.getBytes(StandardCharsets.UTF_8), ZAddParams.zAddParams());
        }
      }
      for (HostAndPort node : nodes) {
        try (Jedis jedis = new Jedis(node)) {
          if (jedis.info("replication").contains("role:master")) {
            // the fill has reached the replicas before anything is timed
            jedis.waitReplicas(1, 5_000);
          }
        }
      }
      for (HostAndPort node : nodes) {
        try (Jedis jedis = new Jedis(node)) {
          jedis.configSet("slowlog-max-len", "100000");
          jedis.configSet("slowlog-log-slower-than", SLOWER_THAN_MICROS);
          jedis.slowlogReset();
          jedis.configResetStat();
        }
      }
      List<HostAndPort> order = new ArrayList<>(nodes);
      long[] pids = new long[order.size()];
      boolean[] primary = new boolean[order.size()];
      for (int n = 0; n < order.size(); n++) {
        try (Jedis jedis = new Jedis(order.get(n))) {
          pids[n] = ServerCpu.pid(jedis);
          primary[n] = jedis.info("replication").contains("role:master");
        }
      }
      if (Boolean.getBoolean("bench.cluster.fifo")) {
        realTime(pids);
      }
      long[][] before = new long[order.size()][];
      for (int n = 0; n < order.size(); n++) {
        before[n] = ServerCpu.schedstat(pids[n]);
      }
      // The compilations and the garbage of the fill are done with now, not in what is timed.
      ServerCpu.awaitQuietCompiler();
      System.gc();
      long jvmBefore = ServerCpu.jvmCpuNanos();
      long start = System.nanoTime();
      long removed = DepCache.manager().invalidateDependency(name);
      millis.add((System.nanoTime() - start) / 1e6);
      jvmCpu.add(ServerCpu.jvmCpuNanos() - jvmBefore);
      long[] spent = new long[3]; // primaries' cpu, replicas' cpu, every node's run-queue wait
      for (int n = 0; n < order.size(); n++) {
        long[] after = ServerCpu.schedstat(pids[n]);
        spent[primary[n] ? 0 : 1] += after[0] - before[n][0];
        spent[2] += after[1] - before[n][1];
      }
      primariesCpu.add(spent[0]);
      replicasCpu.add(spent[1]);
      waits.add(spent[2]);
      for (HostAndPort node : nodes) {
        try (Jedis jedis = new Jedis(node)) {
          List<Slowlog> log = jedis.slowlogGet(100_000);
          jedis.configSet("slowlog-log-slower-than", "-1");
          String role = jedis.info("replication").contains("role:master") ? "primary" : "replica";
          for (Slowlog entry : log) {
            String command = entry.getArgs().get(0).toUpperCase(Locale.ROOT) + " (" + role + ")";
            overOne.merge(command, 1L, Long::sum);
            if (entry.getExecutionTime() > 10_000) {
              overTen++;
              overTenByCommand.merge(command, 1L, Long::sum);
            }
            if (entry.getExecutionTime() > longestMicros) {
              longestMicros = entry.getExecutionTime();
              longest = describe(entry) + " on the " + role + " " + node;
            }
          }
          if (Boolean.getBoolean("bench.cluster.stats")) {
            System.err.println(
                "stats " + node + ": " + jedis.info("commandstats").replace("\r\n", " "));
          }
        }
      }
      if (removed != DEPENDENTS) {
        throw new IllegalStateException(
            "the invalidation removed " + removed + " of " + DEPENDENTS);
      }
      String last = KeyLayout.entryKey(namespace, name + ":" + (DEPENDENTS - 1));
      if (raw.exists(RedisClusterStore.storedName(last))) {
        throw new IllegalStateException("a dependent survived its invalidation");
      }
    }
    figure(
        "cluster_invalidate_100k_ms",
        median(millis.stream().mapToLong(m -> Math.round(m * 1_000)).toArray()) / 1_000);
    figure("cluster_invalidate_100k_trials", trials);
    figure("cluster_invalidate_100k_max_command_ms", longestMicros / 1_000.0);
    System.out.println("cluster_invalidate_100k_max_command: " + longest);
    System.out.println("cluster_invalidate_100k_commands_over_10ms: " + overTen);
    // CPU spent during the invalidation (medians of the trials), and how long the nodes' main
    // threads were runnable but waiting for a core (/proc/<pid>/schedstat: ServerCpu)
    figure("cluster_invalidate_100k_jvm_cpu_ms", medianMillis(jvmCpu));
    figure("cluster_invalidate_100k_primaries_cpu_ms", medianMillis(primariesCpu));
    figure("cluster_invalidate_100k_replicas_cpu_ms", medianMillis(replicasCpu));
    figure("cluster_invalidate_100k_nodes_runqueue_wait_ms", medianMillis(waits));
    // SLOWLOG times a command from its start to its end: on cores that six nodes and this JVM
    // share, that includes the time its node waited for a core, which the counts by command and
    // role (a replica applying what its primary sent) tell apart from a long command.
    System.out.println("cluster_invalidate_100k_commands_over_1ms_by_command: " + overOne);
    System.out.println(
        "cluster_invalidate_100k_commands_over_10ms_by_command: " + overTenByCommand);
  }

  /** A SLOWLOG entry: its time, command and first arguments. */
  private static String describe(Slowlog entry) {
    List<String> args = entry.getArgs();
    String shown = String.join(" ", args.subList(0, Math.min(4, args.size())));
    if (shown.length() > 120) {
      shown = shown.substring(0, 120) + "...";
    }
    return entry.getExecutionTime() + " us: " + shown + " (" + args.size() + " arguments)";
  }

  /**
   * A diagnosis, not a figure: puts the nodes under {@code SCHED_FIFO} ({@code chrt}, root only),
   * so that neither this JVM nor another node takes a node's core in the middle of a command.
   * SLOWLOG then shows how long the commands take by their work.
   */
  private static void realTime(long[] pids) {
    for (long pid : pids) {
      try {
        Process chrt =
            new ProcessBuilder("chrt", "-f", "-p", "1", Long.toString(pid)).inheritIO().start();
        if (chrt.waitFor() != 0) {
          throw new IllegalStateException("chrt -f -p 1 " + pid + " failed");
        }
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  private static double medianMillis(List<Long> nanos) {
    return median(nanos.stream().mapToLong(Long::longValue).toArray()) / 1e6;
  }

  private static double median(long[] values) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
  }

  private static void figure(String name, double value) {
    System.out.println(name + ": " + String.format(Locale.ROOT, "%.3f", value));
  }
}
