package io.depcache.agent.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.depcache.agent.config.AgentConfig;
import io.depcache.testing.RedisProcess;
import io.depcache.testing.RedisSentinel;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * Redis Sentinel with real processes: a primary, a replica and three sentinels. The store follows
 * {@code SENTINEL FAILOVER}: caching and invalidation resume on the new primary within 10 s, and an
 * invalidation made while the failover runs is applied (retried, or made again on the new primary)
 * so that no stale entry is served after it.
 */
class SentinelStoreIT {
  private static final String MASTER = "depcache-it";
  private static final String NS = KeyLayout.namespace("depcache", "m");

  private RedisSentinel deployment;
  private RedisProcess replica;
  private CacheStore store;

  @BeforeEach
  void start() throws Exception {
    deployment = RedisSentinel.start(MASTER);
    replica = deployment.replica();
    store =
        StoreFactory.open(
            AgentConfig.load(
                    null,
                    Map.of(
                        "depcache.redis.sentinel.master",
                        MASTER,
                        "depcache.redis.sentinel.nodes",
                        deployment.nodes(),
                        "depcache.redis.timeout-ms",
                        "1000",
                        "depcache.spool-dir",
                        Files.createTempDirectory("depcache-spool").toString()),
                    Map.of())
                .defaultManager());
  }

  @AfterEach
  void stop() {
    if (store != null) {
      store.close();
    }
    if (deployment != null) {
      deployment.close();
    }
  }

  private String info(int port) {
    return deployment.replication(port);
  }

  private static void awaitWithin(int seconds, String what, BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
    while (!safely(condition)) {
      assertThat(System.nanoTime() - deadline).as("waiting until " + what).isNegative();
      Thread.sleep(50);
    }
  }

  private static boolean safely(BooleanSupplier condition) {
    try {
      return condition.getAsBoolean();
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static boolean succeeds(Runnable call) {
    try {
      call.run();
      return true;
    } catch (StoreException e) {
      return false;
    }
  }

  private static String entry(String key) {
    return KeyLayout.entryKey(NS, key);
  }

  private static String dep(String dependency) {
    return KeyLayout.dependencyKey(NS, dependency);
  }

  @Test
  void followsAFailoverAndAppliesTheInvalidationMadeDuringIt() throws Exception {
    store.put(entry("a"), "one".getBytes(UTF_8), 600_000, List.of(dep("user:1")));
    store.put(entry("b"), "two".getBytes(UTF_8), 600_000, List.of(dep("user:2")));
    assertThat(store.get(entry("a"))).isEqualTo("one".getBytes(UTF_8));
    awaitWithin(
        20,
        "the replica has the entries",
        () -> {
          try (Jedis r = new Jedis("127.0.0.1", replica.port())) {
            return r.exists(entry("a")) && r.exists(entry("b"));
          }
        });

    assertThat(deployment.failover()).isEqualTo("OK");
    long failedOver = System.nanoTime();
    // during the failover: it may fail (then it waits and is retried) or reach the old primary
    // (then it is made again on the new one)
    succeeds(() -> store.invalidate(List.of(dep("user:1"))));

    int[] attempt = {0};
    awaitWithin(
        15,
        "caching resumes on the new primary",
        () -> {
          // once the replica is promoted, it takes nothing more from the old primary: a key never
          // written before that it has was written to it
          if (!info(replica.port()).contains("role:master")) {
            return false;
          }
          String fresh = entry("c" + attempt[0]++);
          store.put(fresh, "three".getBytes(UTF_8), 600_000, List.of(dep("user:3")));
          if (!"three".equals(new String(store.get(fresh), UTF_8))) {
            return false;
          }
          try (Jedis promoted = new Jedis("127.0.0.1", replica.port())) {
            return promoted.exists(fresh);
          }
        });
    long resumedMillis = Duration.ofNanos(System.nanoTime() - failedOver).toMillis();
    System.out.println(
        "[SentinelStoreIT] caching resumed " + resumedMillis + " ms after SENTINEL FAILOVER");
    assertThat(resumedMillis).as("caching resumed after %d ms", resumedMillis).isLessThan(10_000);

    try (Jedis newPrimary = new Jedis("127.0.0.1", replica.port())) {
      assertThat(newPrimary.info("replication")).contains("role:master");
      assertThat(newPrimary.exists(entry("a"))).as("invalidated during the failover").isFalse();
      assertThat(newPrimary.exists(entry("b"))).isTrue();
    }
    assertThat(store.get(entry("a"))).isNull();
    assertThat(store.get(entry("b"))).isEqualTo("two".getBytes(UTF_8));
    assertThat(store.invalidate(List.of(dep("user:2")))).isEqualTo(1);
    assertThat(store.get(entry("b"))).isNull();
  }
}
