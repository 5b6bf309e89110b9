package io.depcache.agent.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.depcache.agent.config.AgentConfig;
import io.depcache.agent.config.ManagerConfig;
import io.depcache.testing.ReadmeAcl;
import io.depcache.testing.RedisCluster;
import io.depcache.testing.SecuredRedis;
import io.depcache.testing.TestCertificates;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * The store contract on a Redis Cluster that speaks only TLS, as the ACL user of the README's
 * cluster line ({@code default} off; the test's own commands go as an admin user): the cluster
 * client takes {@code depcache.redis.user}, {@code .password} and {@code depcache.redis.tls.*} for
 * every node, those it is redirected to included, and verifies their host name, and the line names
 * every command the store sends there. A wrong password, a wrong CA or no TLS at all is a failed
 * call that says why, without the password.
 */
class SecuredClusterStoreIT extends CacheStoreContract implements StoreAdminContract {
  private static final String USER = "depcache";
  private static final String PASSWORD = ReadmeAcl.password();
  private static final String ADMIN = "cluster-admin";
  private static final String ADMIN_PASSWORD = "admin-" + UUID.randomUUID();

  private static RedisCluster cluster;
  private static TestCertificates certs;

  private static synchronized RedisCluster cluster() throws Exception {
    if (cluster == null) {
      certs = TestCertificates.shared();
      cluster = RedisCluster.startSecured(certs, ADMIN, ADMIN_PASSWORD);
      cluster.aclSetUser(USER, ReadmeAcl.lineWith("~{*}depcache:*"));
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

  /** As the user of the README's cluster line, over TLS. */
  @Override
  public StoreAdmin createAdmin() throws Exception {
    return StoreAdmin.open(secured(PASSWORD, certs().truststore().toString()));
  }

  /** Under {@code ~{*}depcache:*}: the README's user may touch nothing else. */
  @Override
  String newPrefix() {
    return "depcache:t" + UUID.randomUUID().toString().substring(0, 8);
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
    return KeyLayout.entryKey(KeyLayout.namespace("depcache:sec", "m"), key);
  }

  @Test
  void entriesOnEveryPrimaryAreWrittenReadAndInvalidatedOverTlsAsTheAclUser() throws Exception {
    String dependency = KeyLayout.dependencyKey(KeyLayout.namespace("depcache:sec", "m"), "user:1");
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
  void theReadmesUserReachesNoKeyOutsideItsPrefixAndNoAdminCommand() throws Exception {
    int port = cluster().primaries().get(0);
    try (Jedis user = SecuredRedis.of(certs(), USER, PASSWORD).jedis(port, 2_000)) {
      assertThatThrownBy(() -> user.get("{0000}other:x")).hasMessageContaining("NOPERM");
      assertThatThrownBy(() -> user.get("depcache:x")).hasMessageContaining("NOPERM");
      assertThatThrownBy(() -> user.flushAll()).hasMessageContaining("NOPERM");
      assertThatThrownBy(() -> user.clusterFailover()).hasMessageContaining("NOPERM");
    }
  }

  @Test
  void aUserWithTheStandaloneLineIsRefusedByTheAclNotAtTheLogin() throws Exception {
    // the README's line for one server: its key patterns and commands do not fit a cluster
    cluster().aclSetUser("standalone", ReadmeAcl.lineWith("~depcache:*"));
    String failed =
        failure(
            settings(
                "depcache.redis.user",
                "standalone",
                "depcache.redis.password",
                PASSWORD,
                "depcache.redis.tls.truststore",
                certs().truststore().toString(),
                "depcache.redis.tls.truststore-password",
                certs.password()));
    assertThat(failed)
        .contains(
            "refused by the server's ACL: NOPERM this user has no permissions to run the"
                + " 'cluster|slots' command")
        .doesNotContain("login refused")
        .doesNotContain(PASSWORD);
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
