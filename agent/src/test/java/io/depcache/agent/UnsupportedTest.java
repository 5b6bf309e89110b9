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
  void aClusterWithCredentialsOrTlsIsRefusedByName() throws Exception {
    for (Map.Entry<String, String> setting :
        Map.of(
                "depcache.redis.password", "secret-password",
                "depcache.redis.tls.truststore", "/etc/trust.p12")
            .entrySet()) {
      String refusal =
          refused(
              Map.of(
                  "depcache.redis.cluster.nodes",
                  "127.0.0.1:7000",
                  setting.getKey(),
                  setting.getValue()));
      assertThat(refusal)
          .as(setting.getKey())
          .startsWith(
              "depcache.redis.cluster.nodes: a Redis Cluster with a user, a password or TLS")
          .doesNotContain("secret-password");
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
  void theNearCacheOnSentinelClusterOrMemoryIsRefused() throws Exception {
    assertThat(refused(Map.of("depcache.near-cache.enabled", "true", "depcache.backend", "memory")))
        .startsWith("depcache.near-cache.enabled: the near cache works with a standalone Redis");
    assertThat(
            refused(
                Map.of(
                    "depcache.near-cache.enabled", "true",
                    "depcache.redis.sentinel.master", "mymaster",
                    "depcache.redis.sentinel.nodes", "127.0.0.1:26379")))
        .startsWith("depcache.near-cache.enabled: the near cache works with a standalone Redis");
  }
}
