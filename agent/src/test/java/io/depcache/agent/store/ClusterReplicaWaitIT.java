package io.depcache.agent.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.depcache.testing.RedisCluster;
import io.depcache.testing.TestCluster;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * Where {@link RedisClusterStore} waits for a replica's acknowledgement ({@code WAIT}, counted in
 * the nodes' {@code INFO commandstats}): after a write's registration and in an invalidation, never
 * for a hit; and never on a cluster whose primaries have no replica, which works all the same.
 */
class ClusterReplicaWaitIT {
  @Test
  void aWriteAndAnInvalidationWaitForAReplicaAndAHitDoesNot() {
    RedisCluster cluster = TestCluster.get();
    String ns = KeyLayout.namespace("w" + UUID.randomUUID().toString().substring(0, 8), "m");
    String entry = KeyLayout.entryKey(ns, "a");
    String dependency = KeyLayout.dependencyKey(ns, "d");
    byte[] value = "v".getBytes(UTF_8);
    try (RedisClusterStore store = connect(cluster)) {
      // The first also loads the scripts where they are not known yet (a NOSCRIPT, then EVAL).
      store.put(entry, value, 60_000, List.of(dependency));
      resetStats(cluster);
      store.put(entry, value, 60_000, List.of(dependency));
      assertThat(calls(cluster, "wait")).as("WAITs of a write").isEqualTo(1);

      resetStats(cluster);
      for (int i = 0; i < 100; i++) {
        assertThat(store.lookup(entry).value()).isEqualTo(value);
      }
      assertThat(calls(cluster, "wait")).as("WAITs of 100 hits").isZero();
      assertThat(calls(cluster, "get")).as("GETs of 100 hits").isEqualTo(100);

      resetStats(cluster);
      assertThat(store.invalidate(List.of(dependency))).isEqualTo(1);
      assertThat(calls(cluster, "wait")).as("WAITs of an invalidation").isPositive();
      assertThat(store.lookup(entry).value()).isNull();
    }
  }

  @Test
  void aClusterWithoutReplicasIsNeverWaitedFor() {
    try (RedisCluster cluster = RedisCluster.start(0);
        RedisClusterStore store = connect(cluster)) {
      String ns = KeyLayout.namespace("w" + UUID.randomUUID().toString().substring(0, 8), "m");
      String dependency = KeyLayout.dependencyKey(ns, "d");
      byte[] value = "v".getBytes(UTF_8);
      for (int i = 0; i < 50; i++) {
        store.put(KeyLayout.entryKey(ns, "e" + i), value, 60_000, List.of(dependency));
      }
      assertThat(store.lookup(KeyLayout.entryKey(ns, "e0")).value()).isEqualTo(value);
      assertThat(store.invalidate(List.of(dependency))).isEqualTo(50);
      assertThat(store.lookup(KeyLayout.entryKey(ns, "e0")).value()).isNull();
      assertThat(calls(cluster, "wait")).as("WAITs without replicas").isZero();
    }
  }

  private static RedisClusterStore connect(RedisCluster cluster) {
    return RedisClusterStore.connect(Arrays.asList(cluster.nodes().split(",")), 2_000, "w:seq");
  }

  private static void resetStats(RedisCluster cluster) {
    for (int port : cluster.ports()) {
      try (Jedis node = new Jedis("127.0.0.1", port)) {
        node.configResetStat();
      }
    }
  }

  /** How many times the nodes ran a command since their stats were reset. */
  private static long calls(RedisCluster cluster, String command) {
    long calls = 0;
    for (int port : cluster.ports()) {
      try (Jedis node = new Jedis("127.0.0.1", port)) {
        for (String line : node.info("commandstats").split("\r?\n")) {
          if (line.startsWith("cmdstat_" + command + ":calls=")) {
            calls += Long.parseLong(line.replaceAll("^[^=]*=([0-9]+),.*$", "$1"));
          }
        }
      }
    }
    return calls;
  }
}
