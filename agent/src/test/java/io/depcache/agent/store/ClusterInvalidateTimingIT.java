package io.depcache.agent.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.depcache.testing.RedisCluster;
import io.depcache.testing.RedisServer;
import io.depcache.testing.TestCluster;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.params.ZAddParams;
import redis.clients.jedis.resps.Slowlog;

/**
 * Invalidating one dependency with 100,000 dependents spread over the cluster, beside the same on
 * one standalone redis-server: both remove every dependent. Prints both times and the commands of
 * the cluster's invalidation that took 10 ms or more (the primaries' SLOWLOG); asserts neither,
 * since on a machine shared with other builds even a single SET is sometimes descheduled past it.
 */
class ClusterInvalidateTimingIT {
  private static final int DEPENDENTS = 100_000;

  @Test
  void invalidatingAHundredThousandDependentsRemovesThemAllWithNoLongCommand() {
    RedisCluster cluster = TestCluster.get();
    String ns = KeyLayout.namespace("p" + UUID.randomUUID().toString().substring(0, 8), "m");
    String dependency = KeyLayout.dependencyKey(ns, "hot");
    byte[] value = new byte[64];

    long clusterMillis;
    long slowCommands = 0;
    long longestMicros = 0;
    String longest = "none";
    List<Integer> primaries = cluster.primaries();
    try (RedisClusterStore store =
            RedisClusterStore.connect(Arrays.asList(cluster.nodes().split(",")), 2_000, "p:seq");
        RedisClusterClient admin =
            RedisClusterClient.create(new HostAndPort("127.0.0.1", cluster.ports().get(0)))) {
      try (AbstractPipeline pipeline = admin.pipelined()) {
        for (int i = 0; i < DEPENDENTS; i++) {
          String entry = KeyLayout.entryKey(ns, "k" + i);
          pipeline.set(ClusterKeys.of(entry), value);
          pipeline.zadd(
              ClusterKeys.of(dependency), i, entry.getBytes(UTF_8), ZAddParams.zAddParams());
        }
      }
      for (int port : primaries) {
        cluster.cli(port, "CONFIG", "SET", "slowlog-log-slower-than", "10000");
        cluster.cli(port, "SLOWLOG", "RESET");
      }
      try {
        long start = System.nanoTime();
        assertThat(store.invalidate(List.of(dependency))).isEqualTo(DEPENDENTS);
        clusterMillis = (System.nanoTime() - start) / 1_000_000;
        for (int port : primaries) {
          try (Jedis node = new Jedis("127.0.0.1", port)) {
            for (Slowlog slow : node.slowlogGet(128)) {
              slowCommands++;
              if (slow.getExecutionTime() > longestMicros) {
                longestMicros = slow.getExecutionTime();
                longest = String.join(" ", slow.getArgs());
              }
            }
          }
        }
      } finally {
        for (int port : primaries) {
          cluster.cli(port, "CONFIG", "SET", "slowlog-log-slower-than", "10000");
        }
      }
      assertThat(store.exists(KeyLayout.entryKey(ns, "k0"))).isFalse();
      store.clear(ns);
    }

    long standaloneMillis;
    try (RedisServer server = RedisServer.start();
        RedisStore store = RedisStore.connect(server.url(), 2_000);
        RedisClient admin = RedisClient.create(server.url())) {
      try (AbstractPipeline pipeline = admin.pipelined()) {
        for (int i = 0; i < DEPENDENTS; i++) {
          String entry = KeyLayout.entryKey(ns, "k" + i);
          pipeline.set(entry.getBytes(UTF_8), value);
          pipeline.zadd(
              dependency.getBytes(UTF_8), i, entry.getBytes(UTF_8), ZAddParams.zAddParams());
        }
      }
      long start = System.nanoTime();
      assertThat(store.invalidate(List.of(dependency))).isEqualTo(DEPENDENTS);
      standaloneMillis = (System.nanoTime() - start) / 1_000_000;
    }
    System.out.printf(
        "[ClusterInvalidateTimingIT] %d dependents: cluster %d ms, standalone %d ms, ratio %.2f;"
            + " cluster commands of 10 ms or more: %d, longest %d us (%s)%n",
        DEPENDENTS,
        clusterMillis,
        standaloneMillis,
        (double) clusterMillis / standaloneMillis,
        slowCommands,
        longestMicros,
        longest);
  }
}
