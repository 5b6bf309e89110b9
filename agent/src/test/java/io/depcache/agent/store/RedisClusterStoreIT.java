package io.depcache.agent.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.depcache.agent.config.AgentConfig;
import io.depcache.testing.TestCluster;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * The store contract on a Redis Cluster of six local nodes, and how the cluster store names keys.
 */
class RedisClusterStoreIT extends CacheStoreContract implements StoreAdminContract {
  @Override
  CacheStore createStore() {
    return RedisClusterStore.connect(
        Arrays.asList(TestCluster.get().nodes().split(",")), 2_000, "t:seq");
  }

  @Override
  public StoreAdmin createAdmin() throws Exception {
    return StoreAdmin.open(
        AgentConfig.load(
                null,
                Map.of(
                    "depcache.redis.cluster.nodes",
                    TestCluster.get().nodes(),
                    "depcache.redis.timeout-ms",
                    "2000"),
                Map.of())
            .defaultManager());
  }

  @Test
  void aKeyAndItsInternalKeysShareASlot() {
    for (String key : List.of(entry("a"), dep("user:1"), entry("{x}"), entry("}{"), dep("{}"))) {
      int slot = JedisClusterCRC16.getSlot(ClusterKeys.of(key));
      for (String suffix : List.of("\u0000fence", "\u0000lease", "\u0000draining", "\u0000x:1")) {
        assertThat(JedisClusterCRC16.getSlot(ClusterKeys.of(key, suffix))).isEqualTo(slot);
      }
    }
  }

  @Test
  void entriesAndDependenciesSpreadOverTheSlots() {
    java.util.Set<Integer> slots = new java.util.HashSet<>();
    for (int i = 0; i < 1000; i++) {
      slots.add(JedisClusterCRC16.getSlot(ClusterKeys.of(entry("k" + i))));
    }
    assertThat(slots).hasSizeGreaterThan(900);
  }

  @Test
  void anEntryWithDependenciesOnEveryPrimaryIsWrittenAndInvalidatedThroughEach() {
    List<String> deps = new java.util.ArrayList<>();
    for (int i = 0; i < 30; i++) {
      deps.add(dep("d" + i));
    }
    for (String dependency : deps) {
      store.put(entry("wide"), bytes("x"), 60_000, deps);
      assertThat(store.get(entry("wide"))).isEqualTo(bytes("x"));

      assertThat(store.invalidate(List.of(dependency))).isEqualTo(1);
      assertThat(store.exists(entry("wide"))).as("removed through %s", dependency).isFalse();
    }
  }

  @Test
  void aLookupThatMissesReportsTheSequenceAndAHitOneNoLater() {
    store.invalidate(List.of(dep("d")));
    CacheStore.Lookup miss = store.lookup(entry("a"));
    assertThat(miss.value()).isNull();
    assertThat(miss.sequence()).isPositive();

    assertThat(
            store.putIfUnchangedSince(
                entry("a"),
                bytes("x"),
                60_000,
                List.of(dep("d")),
                miss.sequence(),
                new long[] {miss.sequence()}))
        .isTrue();
    CacheStore.Lookup hit = store.lookup(entry("a"));
    assertThat(hit.value()).isEqualTo(bytes("x"));
    assertThat(hit.sequence()).isBetween(1L, miss.sequence());
  }
}
