package com.example.bench;

import io.depcache.CacheManager;
import io.depcache.DepCache;
import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.resps.Slowlog;

/**
 * Invalidates one dependency with 100,000 dependents and reports the wall time and the longest
 * single Redis command of the invalidation, from Redis' SLOWLOG.
 *
 * <p>Run under {@code -javaagent} with {@code -Ddepcache.redis.url} and {@code -Ddepcache.prefix};
 * arguments: {@code URL [dependents]}. The dependents are registered through the agent's own {@link
 * CacheManager#set(String, Object, long, java.util.Collection)}, from a few threads. Then SLOWLOG
 * records every command ({@code slowlog-log-slower-than 0}), only for the invalidation; the
 * commands counted are those of the agent's connections (client name {@code depcache}). The
 * server's two settings are restored afterwards. A probe, not a test: nothing here asserts a time,
 * but it fails when the invalidation did not remove every dependent.
 */
public final class InvalidateProbe {
  private static final int THREADS = 4;

  private InvalidateProbe() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      System.err.println("usage: InvalidateProbe REDIS_URL [dependents]");
      System.exit(2);
    }
    String url = args[0];
    int count = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
    if (!DepCache.isAgentActive()) {
      fail("the depcache agent is not active: start the JVM with -javaagent:depcache-agent.jar");
    }
    CacheManager manager = DepCache.manager();
    String run = UUID.randomUUID().toString().substring(0, 8);
    String dependency = "bench-invalidate:" + run;

    long registerStart = System.nanoTime();
    register(manager, run, dependency, count);
    long registerNanos = System.nanoTime() - registerStart;
    if (!manager.exists(key(run, 0)) || !manager.exists(key(run, count - 1))) {
      fail("the dependents were not stored");
    }

    try (Jedis redis = new Jedis(URI.create(url))) {
      String slowerThan = configValue(redis, "slowlog-log-slower-than");
      String maxLen = configValue(redis, "slowlog-max-len");
      long removed;
      long nanos;
      List<Slowlog> log;
      try {
        redis.configSet("slowlog-max-len", "100000");
        redis.configSet("slowlog-log-slower-than", "0");
        redis.slowlogReset();
        long start = System.nanoTime();
        removed = manager.invalidateDependency(dependency);
        nanos = System.nanoTime() - start;
        log = redis.slowlogGet(100_000);
      } finally {
        redis.configSet("slowlog-log-slower-than", slowerThan);
        redis.configSet("slowlog-max-len", maxLen);
      }
      if (removed != count || manager.exists(key(run, count / 2))) {
        fail("the invalidation removed " + removed + " of " + count + " dependents");
      }
      List<Slowlog> ours = new ArrayList<>();
      for (Slowlog entry : log) {
        if ("depcache".equals(entry.getClientName())) {
          ours.add(entry);
        }
      }
      if (ours.isEmpty()) {
        fail("SLOWLOG holds no command of the agent (client name 'depcache')");
      }
      Slowlog longest =
          ours.stream().max(Comparator.comparingLong(Slowlog::getExecutionTime)).get();
      long totalMicros = ours.stream().mapToLong(Slowlog::getExecutionTime).sum();
      System.out.println("invalidate_dependents: " + count);
      System.out.println("invalidate_register_ms: " + millis(registerNanos / 1000.0));
      System.out.println("invalidate_100k_ms: " + millis(nanos / 1000.0));
      System.out.println("invalidate_100k_commands: " + ours.size());
      System.out.println("invalidate_100k_redis_busy_ms: " + millis(totalMicros));
      System.out.println("invalidate_100k_max_command_ms: " + millis(longest.getExecutionTime()));
      System.out.println("invalidate_100k_max_command: " + describe(longest));
    }
  }

  private static void register(CacheManager manager, String run, String dependency, int count)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try {
      List<Future<?>> parts = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        int first = t;
        parts.add(
            pool.submit(
                () -> {
                  for (int i = first; i < count; i += THREADS) {
                    manager.set(key(run, i), i, 600, List.of(dependency));
                  }
                }));
      }
      for (Future<?> part : parts) {
        part.get();
      }
    } finally {
      pool.shutdown();
    }
  }

  private static String key(String run, int i) {
    return "bench-dependent:" + run + ":" + i;
  }

  private static String configValue(Jedis redis, String name) {
    Map<String, String> values = redis.configGet(name);
    String value = values.get(name);
    if (value == null) {
      fail("CONFIG GET " + name + " answered nothing; SLOWLOG cannot be used on this server");
    }
    return value;
  }

  /** The command's name and first argument: enough to tell a script from an UNLINK. */
  private static String describe(Slowlog entry) {
    List<String> parts = entry.getArgs();
    String name = parts.isEmpty() ? "?" : parts.get(0);
    String first = parts.size() > 1 ? parts.get(1) : "";
    if (first.length() > 40) {
      first = first.substring(0, 40) + "...";
    }
    return (name + " " + first).trim() + " (" + parts.size() + " args shown)";
  }

  private static String millis(double micros) {
    return String.format(Locale.ROOT, "%.3f", micros / 1000);
  }

  private static void fail(String message) {
    System.err.println("InvalidateProbe: " + message);
    System.exit(1);
  }
}
