package com.example.bench;

import io.depcache.CacheManager;
import io.depcache.DepCache;
import io.depcache.agent.store.KeyLayout;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.ToLongFunction;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.params.ZAddParams;
import redis.clients.jedis.resps.Slowlog;

/**
 * Invalidates one dependency with 10,000, 100,000 and 1,000,000 dependents, and beside it, in the
 * same run, unlinks the same keys directly: one {@code UNLINK} of all of them, the least Redis can
 * do to remove them. Reports medians, their ratio, and the longest single Redis command of the
 * invalidations, from Redis' SLOWLOG.
 *
 * <p>Run under {@code -javaagent} with {@code -Ddepcache.redis.url} and {@code -Ddepcache.prefix};
 * arguments: {@code URL [dependents:trials ...]} (default {@code 10000:9 100000:5 1000000:1}),
 * after {@value #WARM_UP_TRIALS} unmeasured trials of 10,000 dependents. Each trial fills the
 * dependency afresh and times both, in a random order; the direct {@code UNLINK} is left out from
 * 1,000,000 dependents on (one command that blocks Redis for more than a second). One dependent is
 * written through {@link CacheManager#set(String, Object, long, java.util.Collection)}, the others
 * pipelined in the form the agent's write gave the dependency set (a sorted set of score 0 members,
 * as {@code put.lua} writes it, or a plain set under an agent from before that), with the bytes of
 * an entry the agent wrote. While an invalidation runs, SLOWLOG records every command of 1 ms or
 * more ({@code slowlog-log-slower-than 1000}, restored afterwards; logging every command would slow
 * the invalidation down by what it logs); the commands counted are those of the agent's connections
 * (client name {@code depcache}): its scripts, whose own commands are part of them, and the reads
 * and unlinks of a large sorted set. A probe, not a test: nothing here asserts a time, but it fails
 * when an invalidation did not remove every dependent.
 */
public final class InvalidateProbe {
  private static final long TTL_SECONDS = 600;
  private static final int PIPELINE = 10_000;
  private static final int NO_DIRECT_FROM = 1_000_000;
  private static final String SLOWER_THAN_MICROS = "1000";
  private static final int WARM_UP_TRIALS = Integer.getInteger("bench.warmups", 20);

  /**
   * {@code -Dbench.threads=true}: a diagnosis, not a figure. Prints the threads of this machine
   * that used the most CPU in the timed invalidations, summed over the trials.
   */
  private static final boolean THREADS = Boolean.getBoolean("bench.threads");

  private final CacheManager manager = DepCache.manager();
  private final String namespace =
      KeyLayout.namespace(System.getProperty("depcache.prefix", "depcache"), "default");
  private final Jedis redis;
  private final long pid;
  private final byte[] value;
  private final Map<String, Long> threadCpu = new HashMap<>();
  private long longestMicros;
  private String longest = "none of 1 ms or more";
  private long commandsInAll;
  private String layout = "none yet";
  private long overTenMillis;

  private InvalidateProbe(Jedis redis, byte[] value) {
    this.redis = redis;
    this.pid = ServerCpu.pid(redis);
    this.value = value;
  }

  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      System.err.println("usage: InvalidateProbe REDIS_URL [dependents:trials ...]");
      System.exit(2);
    }
    if (!DepCache.isAgentActive()) {
      fail("the depcache agent is not active: start the JVM with -javaagent:depcache-agent.jar");
    }
    List<String> sizes =
        args.length > 1
            ? List.of(args).subList(1, args.length)
            : List.of("10000:9", "100000:5", "1000000:1");
    try (Jedis redis = new Jedis(URI.create(args[0]))) {
      String slowerThan = configValue(redis, "slowlog-log-slower-than");
      String maxLen = configValue(redis, "slowlog-max-len");
      try {
        redis.configSet("slowlog-max-len", "100000");
        InvalidateProbe probe = new InvalidateProbe(redis, agentEntry(redis));
        // Unmeasured: the scripts, the pools, and the JIT, whose compiler threads would otherwise
        // take turns on the cores with Redis during the first trials (Redis waited for a core 1.8
        // ms in a 10k invalidation of 11 ms when only one trial came first, 0.04 ms after 55).
        for (int i = 0; i < WARM_UP_TRIALS; i++) {
          probe.trial(10_000, true);
        }
        probe.threadCpu.clear();
        for (String size : sizes) {
          String[] parts = size.split(":");
          probe.measure(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]));
        }
        if (THREADS) {
          probe.threadCpu.entrySet().stream()
              .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
              .limit(20)
              .forEach(
                  e ->
                      System.out.printf(
                          Locale.ROOT,
                          "thread cpu: %8.3f ms  %s%n",
                          e.getValue() / 1e6,
                          e.getKey()));
        }
        System.out.println("invalidate_dependency_set: " + probe.layout);
        System.out.println("invalidate_max_command_ms: " + millis(probe.longestMicros));
        System.out.println("invalidate_max_command: " + probe.longest);
        // On a machine whose cores are shared, SLOWLOG counts the time Redis waited for one too:
        // how many commands went over tells a stall from the rule.
        System.out.println(
            "invalidate_commands_over_10ms: "
                + probe.overTenMillis
                + " of "
                + probe.commandsInAll
                + " commands");
      } finally {
        redis.configSet("slowlog-log-slower-than", slowerThan);
        redis.configSet("slowlog-max-len", maxLen);
      }
    }
  }

  /** The bytes of an entry the agent wrote, which the pipelined dependents copy. */
  private static byte[] agentEntry(Jedis redis) {
    String key = "bench-invalidate-sample:" + UUID.randomUUID();
    DepCache.manager().set(key, 12_345, TTL_SECONDS, List.of("bench-invalidate-sample"));
    String namespace =
        KeyLayout.namespace(System.getProperty("depcache.prefix", "depcache"), "default");
    byte[] stored = redis.get(bytes(KeyLayout.entryKey(namespace, key)));
    if (stored == null) {
      fail("the agent's entry is not in Redis under " + KeyLayout.entryKey(namespace, key));
    }
    DepCache.manager().invalidateDependency("bench-invalidate-sample");
    return stored;
  }

  private record Times(
      long invalidateNanos,
      long unlinkNanos,
      long scripts,
      long commands,
      long maxMicros,
      long jvmCpuNanos,
      long callerCpuNanos,
      long redisCpuNanos,
      long redisWaitNanos,
      long unlinkRedisCpuNanos,
      long unlinkRedisWaitNanos) {}

  private void measure(int dependents, int trials) {
    List<Times> runs = new ArrayList<>();
    for (int i = 0; i < trials; i++) {
      runs.add(trial(dependents, dependents < NO_DIRECT_FROM));
    }
    String label = label(dependents);
    long invalidate = medianOf(runs, Times::invalidateNanos);
    long max = runs.stream().mapToLong(Times::maxMicros).max().orElse(0);
    System.out.println("invalidate_" + label + "_dependents: " + (dependents + 1));
    System.out.println("invalidate_" + label + "_trials: " + trials);
    printMillis("invalidate_" + label + "_ms", invalidate);
    if (dependents < NO_DIRECT_FROM) {
      long unlink = medianOf(runs, Times::unlinkNanos);
      printMillis("unlink_" + label + "_ms", unlink);
      System.out.println(
          "invalidate_"
              + label
              + "_vs_unlink_ratio: "
              + String.format(Locale.ROOT, "%.3f", (double) invalidate / unlink));
    }
    System.out.println("invalidate_" + label + "_scripts: " + medianOf(runs, Times::scripts));
    System.out.println("invalidate_" + label + "_commands: " + medianOf(runs, Times::commands));
    System.out.println("invalidate_" + label + "_max_command_ms: " + millis(max));
    // CPU spent during the invalidation: this JVM's, and the Redis main thread's when Redis is a
    // process of this machine (ServerCpu; 0 otherwise)
    printMillis("invalidate_" + label + "_jvm_cpu_ms", medianOf(runs, Times::jvmCpuNanos));
    printMillis("invalidate_" + label + "_redis_cpu_ms", medianOf(runs, Times::redisCpuNanos));
    printMillis("invalidate_" + label + "_caller_cpu_ms", medianOf(runs, Times::callerCpuNanos));
    printMillis("invalidate_" + label + "_redis_wait_ms", medianOf(runs, Times::redisWaitNanos));
    if (dependents < NO_DIRECT_FROM) {
      printMillis("unlink_" + label + "_redis_cpu_ms", medianOf(runs, Times::unlinkRedisCpuNanos));
      printMillis(
          "unlink_" + label + "_redis_wait_ms", medianOf(runs, Times::unlinkRedisWaitNanos));
    }
  }

  private static long medianOf(List<Times> runs, ToLongFunction<Times> measure) {
    return median(runs.stream().mapToLong(measure).toArray());
  }

  /** Prints {@code name: } and a time in nanoseconds as milliseconds. */
  private static void printMillis(String name, long nanos) {
    System.out.println(name + ": " + millis(nanos / 1000.0));
  }

  /** Fills a dependency and invalidates it, and (when asked) fills another and unlinks its keys. */
  private Times trial(int dependents, boolean direct) {
    List<Boolean> order = new ArrayList<>(direct ? List.of(true, false) : List.of(true));
    Collections.shuffle(order);
    long invalidate = 0;
    long unlink = 0;
    long scripts = 0;
    long commands = 0;
    long max = 0;
    long jvmCpu = 0;
    long callerCpu = 0;
    long redisCpu = 0;
    long redisWait = 0;
    long unlinkRedisCpu = 0;
    long unlinkRedisWait = 0;
    for (boolean invalidating : order) {
      String dependency = "bench-invalidate:" + UUID.randomUUID().toString().substring(0, 8);
      String dependencyKey = KeyLayout.dependencyKey(namespace, dependency);
      byte[][] keys = fill(dependency, dependencyKey, dependents);
      if (invalidating) {
        redis.configSet("slowlog-log-slower-than", SLOWER_THAN_MICROS);
        redis.slowlogReset();
        long[] callsBefore = calls();
        long[] redisBefore = ServerCpu.schedstat(pid);
        // The compilations and the garbage of the fill are done with now, not in what is timed.
        ServerCpu.awaitQuietCompiler();
        System.gc();
        Map<Long, String> threads = THREADS ? ServerCpu.everyThread() : Map.of();
        long[] tids = threads.keySet().stream().mapToLong(Long::longValue).toArray();
        long[] threadsBefore = new long[tids.length];
        for (int t = 0; t < tids.length; t++) {
          threadsBefore[t] = ServerCpu.schedstat(tids[t])[0];
        }
        long jvmBefore = ServerCpu.jvmCpuNanos();
        long callerBefore = ServerCpu.threadCpuNanos();
        long start = System.nanoTime();
        long removed = manager.invalidateDependency(dependency);
        invalidate = System.nanoTime() - start;
        callerCpu = ServerCpu.threadCpuNanos() - callerBefore;
        jvmCpu = ServerCpu.jvmCpuNanos() - jvmBefore;
        long[] redisAfter = ServerCpu.schedstat(pid);
        redisCpu = redisAfter[0] - redisBefore[0];
        redisWait = redisAfter[1] - redisBefore[1];
        if (THREADS) { // read after the figures above: the diagnosis adds nothing to them
          long[] threadsAfter = new long[tids.length];
          for (int t = 0; t < tids.length; t++) {
            threadsAfter[t] = ServerCpu.schedstat(tids[t])[0];
          }
          for (int t = 0; t < tids.length; t++) {
            if (threadsAfter[t] > 0) { // 0: the thread ended
              threadCpu.merge(
                  label(dependents) + " " + threads.get(tids[t]),
                  threadsAfter[t] - threadsBefore[t],
                  Long::sum);
            }
          }
        }
        long[] callsAfter = calls();
        scripts = callsAfter[0] - callsBefore[0];
        commands = callsAfter[1] - callsBefore[1] - 1; // the first INFO
        commandsInAll += commands;
        List<Slowlog> log = redis.slowlogGet(100_000);
        redis.configSet("slowlog-log-slower-than", "-1");
        if (removed != dependents + 1 || redis.exists(bytes(dependencyKey))) {
          fail("the invalidation removed " + removed + " of " + (dependents + 1) + " dependents");
        }
        for (Slowlog entry : log) {
          if ("depcache".equals(entry.getClientName())) {
            max = Math.max(max, entry.getExecutionTime());
            if (entry.getExecutionTime() > 10_000) {
              overTenMillis++;
            }
            if (entry.getExecutionTime() > longestMicros) {
              longestMicros = entry.getExecutionTime();
              longest = describe(entry) + " at " + label(dependents);
            }
          }
        }
      } else {
        // In the order they were written, as an application that knew them would remove them.
        ServerCpu.awaitQuietCompiler(); // as before the invalidation
        System.gc();
        long[] redisBefore = ServerCpu.schedstat(pid);
        long start = System.nanoTime();
        long removed = redis.unlink(keys);
        unlink = System.nanoTime() - start;
        long[] redisAfter = ServerCpu.schedstat(pid);
        unlinkRedisCpu = redisAfter[0] - redisBefore[0];
        unlinkRedisWait = redisAfter[1] - redisBefore[1];
        redis.unlink(bytes(dependencyKey));
        if (removed != dependents + 1) {
          fail("UNLINK removed " + removed + " of " + (dependents + 1) + " keys");
        }
      }
    }
    return new Times(
        invalidate,
        unlink,
        scripts,
        commands,
        max,
        jvmCpu,
        callerCpu,
        redisCpu,
        redisWait,
        unlinkRedisCpu,
        unlinkRedisWait);
  }

  /**
   * Writes one dependent through the agent, then the others pipelined in the same form: the entry
   * with its expiry, and a member of the dependency set, in the order of the entries when the agent
   * made that a sorted set (as put.lua does, its score the set's size), or of a plain set (as
   * agents before that did), so that the probe times whichever agent it runs under.
   *
   * @return the dependents' keys in the order they were written
   */
  private byte[][] fill(String dependency, String dependencyKey, int dependents) {
    manager.set("bench-dependent:" + dependency + ":agent", 1, TTL_SECONDS, List.of(dependency));
    byte[] set = bytes(dependencyKey);
    String kind = redis.type(set);
    if (!kind.equals("zset") && !kind.equals("set")) {
      fail("the agent wrote its dependency set as a " + kind + "; update fill()");
    }
    boolean sorted = kind.equals("zset");
    byte[][] keys = new byte[dependents + 1][];
    keys[0] = bytes(KeyLayout.entryKey(namespace, "bench-dependent:" + dependency + ":agent"));
    String entryPrefix = KeyLayout.entryKey(namespace, "bench-dependent:" + dependency + ":");
    Map<byte[], Double> members = new LinkedHashMap<>();
    Pipeline pipeline = redis.pipelined();
    for (int i = 0; i < dependents; i++) {
      byte[] key = bytes(entryPrefix + i);
      keys[i + 1] = key;
      pipeline.psetex(key, TTL_SECONDS * 1000, value);
      members.put(key, (double) (i + 1));
      if (members.size() == 1_000 || i == dependents - 1) {
        if (sorted) {
          pipeline.zadd(set, members, ZAddParams.zAddParams().nx());
        } else {
          pipeline.sadd(set, members.keySet().toArray(new byte[0][]));
        }
        members = new LinkedHashMap<>();
      }
      if (i % PIPELINE == PIPELINE - 1) {
        pipeline.sync();
      }
    }
    pipeline.sync();
    long registered = sorted ? redis.zcard(set) : redis.scard(set);
    if (registered != dependents + 1) {
      fail("the dependency set holds " + registered + " of " + (dependents + 1) + " dependents");
    }
    layout = kind;
    return keys;
  }

  /**
   * {scripts, commands} run by the server so far, the commands counting this INFO once its reply is
   * made; an EVALSHA answered NOSCRIPT, then sent again as EVAL, counts once.
   */
  private long[] calls() {
    long scripts = 0;
    long commands = 0;
    for (String line : redis.info("commandstats").split("\r\n")) {
      if (line.startsWith("cmdstat_")) {
        long calls =
            Long.parseLong(line.replaceAll("^[^:]*:calls=(\\d+),.*", "$1"))
                - Long.parseLong(line.replaceAll(".*,failed_calls=(\\d+).*", "$1"));
        commands += calls;
        if (line.startsWith("cmdstat_evalsha:") || line.startsWith("cmdstat_eval:")) {
          scripts += calls;
        }
      }
    }
    return new long[] {scripts, commands};
  }

  private static String label(int dependents) {
    return dependents % 1_000_000 == 0
        ? dependents / 1_000_000 + "m"
        : dependents % 1_000 == 0 ? dependents / 1_000 + "k" : Integer.toString(dependents);
  }

  private static long median(long[] values) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }

  private static String configValue(Jedis redis, String name) {
    Map<String, String> values = redis.configGet(name);
    String value = values.get(name);
    if (value == null) {
      fail("CONFIG GET " + name + " answered nothing; SLOWLOG cannot be used on this server");
    }
    return value;
  }

  /**
   * The command's name and first key: a script's first key tells the detach (the sequence key) from
   * a drain (a detached set).
   */
  private static String describe(Slowlog entry) {
    List<String> parts = entry.getArgs();
    String name = parts.isEmpty() ? "?" : parts.get(0);
    int firstKey = name.toUpperCase(Locale.ROOT).startsWith("EVAL") ? 3 : 1;
    String first = parts.size() > firstKey ? parts.get(firstKey).replace('\u0000', '0') : "";
    if (first.length() > 60) {
      first = first.substring(0, 60) + "...";
    }
    return (name + " " + first).trim() + " (" + parts.size() + " args shown)";
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static String millis(double micros) {
    return String.format(Locale.ROOT, "%.3f", micros / 1000);
  }

  private static void fail(String message) {
    System.err.println("InvalidateProbe: " + message);
    System.exit(1);
  }
}
