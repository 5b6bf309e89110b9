package io.depcache.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.depcache.agent.config.AgentConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What this version refuses at start-up, and only that: each store serves what it can. */
class UnsupportedTest {
  private static String refused(Map<String, String> properties) throws Exception {
    return Unsupported.find(AgentConfig.load("", properties, Map.of()));
  }

  @Test
  void clusterSentinelAndSigningStartWithoutARefusal() throws Exception {
    assertThat(refused(Map.of("depcache.redis.cluster.nodes", "127.0.0.1:7000"))).isNull();
    assertThat(
            refused(
                Map.of(
                    "depcache.redis.sentinel.master", "mymaster",
                    "depcache.redis.sentinel.nodes", "127.0.0.1:26379")))
        .isNull();
    assertThat(refused(Map.of("depcache.signing-key", "k".repeat(32)))).isNull();
  }

  @Test
  void aClusterWithCredentialsOrTlsStarts() throws Exception {
    for (Map.Entry<String, String> setting :
        Map.of(
                "depcache.redis.password", "secret-password",
                "depcache.redis.tls.truststore", "/etc/trust.p12",
                "depcache.redis.url", "rediss://ignored-host:6380")
            .entrySet()) {
      assertThat(
              refused(
                  Map.of(
                      "depcache.redis.cluster.nodes",
                      "127.0.0.1:7000",
                      setting.getKey(),
                      setting.getValue())))
          .as(setting.getKey())
          .isNull();
    }
  }

  @Test
  void theNearCacheStartsOnAStandaloneRedisWhenEveryManagerOnItAgrees() throws Exception {
    assertThat(refused(Map.of("depcache.near-cache.enabled", "true"))).isNull();
    assertThat(
            refused(
                Map.of(
                    "depcache.near-cache.enabled", "true",
                    "depcache.manager.hot.ttl", "5")))
        .isNull();
  }

  @Test
  void managersOnOneRedisThatDisagreeAboutTheNearCacheAreRefusedByName() throws Exception {
    assertThat(refused(Map.of("depcache.manager.hot.near-cache.enabled", "true")))
        .isEqualTo(
            "depcache.manager.hot.near-cache.*: managers on the same Redis must have the same"
                + " near-cache.enabled, .max-entries, .ttl and prefix as manager default in this"
                + " version");
    assertThat(
            refused(
                Map.of(
                    "depcache.manager.hot.near-cache.enabled", "true",
                    "depcache.manager.hot.redis.url", "redis://other:6379/0")))
        .isNull();
  }

  @Test
  void theNearCacheOnMemoryIsRefusedAndOnSentinelAndClusterTaken() throws Exception {
    assertThat(refused(Map.of("depcache.near-cache.enabled", "true", "depcache.backend", "memory")))
        .isEqualTo(
            "depcache.near-cache.enabled: the near cache works in front of Redis, not with"
                + " depcache.backend=memory, whose entries are in the JVM already");
    assertThat(
            refused(
                Map.of(
                    "depcache.near-cache.enabled", "true",
                    "depcache.redis.cluster.nodes", "127.0.0.1:7000,127.0.0.1:7001")))
        .isNull();
    assertThat(
            refused(
                Map.of(
                    "depcache.near-cache.enabled", "true",
                    "depcache.redis.sentinel.master", "mymaster",
                    "depcache.redis.sentinel.nodes", "127.0.0.1:26379")))
        .isNull();
  }
}
