package io.depcache.agent.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.depcache.agent.config.AgentConfig;
import io.depcache.agent.config.ManagerConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StoreFactoryTest {
  private static ManagerConfig manager(String name, Map<String, String> properties)
      throws Exception {
    return AgentConfig.load(null, properties, Map.of()).manager(name);
  }

  @Test
  void managersOnOneRedisShareAStoreAndOthersDoNot() throws Exception {
    Map<String, String> settings =
        Map.of(
            "depcache.redis.url", "redis://cache:6379/0",
            "depcache.manager.reports.prefix", "reports",
            "depcache.manager.slow.redis.timeout-ms", "900",
            "depcache.manager.local.backend", "memory");
    String shared = StoreFactory.identity(manager("default", settings));

    assertThat(StoreFactory.identity(manager("reports", settings))).isEqualTo(shared);
    assertThat(StoreFactory.identity(manager("slow", settings))).isNotEqualTo(shared);
    assertThat(StoreFactory.identity(manager("local", settings))).isEqualTo("memory");
  }

  @Test
  void theBackendDecidesTheStore() throws Exception {
    try (CacheStore memory =
            StoreFactory.open(manager("default", Map.of("depcache.backend", "memory")));
        CacheStore redis =
            StoreFactory.open(
                manager("default", Map.of("depcache.redis.url", "redis://127.0.0.1:1/0")))) {
      assertThat(memory).isInstanceOf(MemoryStore.class);
      assertThat(redis).isInstanceOf(ResilientStore.class);
    }
  }

  @Test
  void clusterNodesMakeAClusterStoreThatConnectsOnlyWhenUsed() throws Exception {
    Map<String, String> settings =
        Map.of(
            "depcache.redis.cluster.nodes", "127.0.0.1:1,127.0.0.1:2",
            "depcache.manager.reports.prefix", "reports");
    String shared = StoreFactory.identity(manager("default", settings));
    assertThat(StoreFactory.identity(manager("reports", settings))).isEqualTo(shared);

    // Nothing listens there: opening succeeds, the first call fails as an outage.
    try (CacheStore cluster = StoreFactory.open(manager("default", settings))) {
      assertThat(cluster.describe()).isEqualTo("redis-cluster://127.0.0.1:1,127.0.0.1:2");
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> cluster.get("depcache:default:e:k"))
          .isInstanceOfSatisfying(
              StoreException.class,
              e -> assertThat(e.kind()).isEqualTo(StoreException.Kind.UNAVAILABLE));
    }
  }
}
