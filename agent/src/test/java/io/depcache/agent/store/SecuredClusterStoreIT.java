package io.depcache.agent.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.depcache.agent.config.AgentConfig;
import io.depcache.agent.config.ManagerConfig;
import io.depcache.testing.RedisCluster;
import io.depcache.testing.TestCertificates;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The store contract on a Redis Cluster that speaks only TLS and knows only an ACL user ({@code
 * default} off): the cluster client takes {@code depcache.redis.user}, {@code .password} and {@code
 * depcache.redis.tls.*} for every node, those it is redirected to included, and verifies their host
 * name. A wrong password, a wrong CA or no TLS at all is a failed call that says why, without the
 * password.
 */
class SecuredClusterStoreIT extends CacheStoreContract {
  private static final String USER = "depcache-app";
  private static final String PASSWORD = "cluster-secret-pw";

  private static RedisCluster cluster;
  private static TestCertificates certs;

  private static synchronized RedisCluster cluster() throws Exception {
    if (cluster == null) {
      certs = TestCertificates.shared();
      cluster = RedisCluster.startSecured(certs, USER, PASSWORD);
    }
    return cluster;
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private static ManagerConfig settings(String... keyValues) throws Exception {
    Map<String, String> properties = new HashMap<>();
    properties.put("depcache.redis.cluster.nodes", cluster().nodes());
    properties.put("depcache.redis.timeout-ms", "2000");
    for (int i = 0; i < keyValues.length; i += 2) {
      properties.put(keyValues[i], keyValues[i + 1]);
    }
    return AgentConfig.load(null, properties, Map.of()).defaultManager();
  }

  private static ManagerConfig secured(String password, String truststore) throws Exception {
    return settings(
        "depcache.redis.user",
        USER,
        "depcache.redis.password",
        password,
        "depcache.redis.tls.truststore",
        truststore,
        "depcache.redis.tls.truststore-password",
        certs.password());
  }

  @Override
  CacheStore createStore() {
    try {
      return StoreFactory.open(secured(PASSWORD, certs().truststore().toString()), false);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static TestCertificates certs() throws Exception {
    cluster();
    return certs;
  }

  /** What the first call of a store of {@code settings} fails with. */
  private static String failure(ManagerConfig settings) {
    try (CacheStore store = StoreFactory.open(settings, false)) {
      try {
        store.get(entryOf("a"));
      } catch (StoreException e) {
        return e.getMessage() + (e.getCause() == null ? "" : " / " + e.getCause());
      }
      throw new AssertionError("a call on " + settings.clusterNodes() + " did not fail");
    }
  }

  private static String entryOf(String key) {
    return KeyLayout.entryKey(KeyLayout.namespace("sec", "m"), key);
  }

  @Test
  void entriesOnEveryPrimaryAreWrittenReadAndInvalidatedOverTlsAsTheAclUser() throws Exception {
    String dependency = KeyLayout.dependencyKey(KeyLayout.namespace("sec", "m"), "user:1");
    try (CacheStore store = createStore()) {
      for (int i = 0; i < 30; i++) { // 30 keys land on all three primaries
        store.put(entryOf("k" + i), ("v" + i).getBytes(UTF_8), 60_000, List.of(dependency));
      }
      for (int i = 0; i < 30; i++) {
        assertThat(store.get(entryOf("k" + i))).isEqualTo(("v" + i).getBytes(UTF_8));
      }
      assertThat(store.invalidate(List.of(dependency))).isEqualTo(30);
      assertThat(store.get(entryOf("k0"))).isNull();
    }
  }

  @Test
  void aUrlWithRedissTurnsTlsOnWithTheJvmTrustAndItsCredentials() throws Exception {
    // rediss:// with the JVM's default trust, which does not know the test CA: TLS is tried (and
    // refused), where a plain connection would have been closed by the TLS-only nodes
    String failed =
        failure(
            settings(
                "depcache.redis.url",
                "rediss://" + USER + ":" + PASSWORD + "@unused-host:6380/0",
                "depcache.redis.tls.verify-hostname",
                "true"));
    assertThat(failed).containsIgnoringCase("certificat").doesNotContain(PASSWORD);
  }

  @Test
  void aWrongPasswordFailsWithoutNamingIt() throws Exception {
    String failed = failure(secured("not-the-password", certs().truststore().toString()));
    assertThat(failed).doesNotContain("not-the-password").doesNotContain(PASSWORD);
    assertThat(failed).contains("login refused: WRONGPASS");
  }

  @Test
  void aWrongCaFails() throws Exception {
    String failed = failure(secured(PASSWORD, certs().otherTruststore().toString()));
    assertThat(failed)
        .contains("TLS handshake failed: the server's certificate is not trusted")
        .doesNotContain(PASSWORD);
  }

  @Test
  void withoutTlsTheTlsOnlyNodesAreNotReached() throws Exception {
    String failed =
        failure(settings("depcache.redis.user", USER, "depcache.redis.password", PASSWORD));
    assertThat(failed).doesNotContain(PASSWORD);
  }
}
