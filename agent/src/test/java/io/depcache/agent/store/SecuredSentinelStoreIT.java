package io.depcache.agent.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.depcache.agent.config.AgentConfig;
import io.depcache.agent.config.ManagerConfig;
import io.depcache.testing.RedisSentinel;
import io.depcache.testing.SecuredRedis;
import io.depcache.testing.TestCertificates;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import redis.clients.jedis.Jedis;

/**
 * The store contract on Redis Sentinel where the primary, the replica and the sentinels speak only
 * TLS (replication and the sentinels' own links too) and know only an ACL user, {@code default} off
 * ({@link RedisSentinel#startSecured}): the store asks the sentinels and talks to the primary they
 * name with {@code rediss://}, {@code depcache.redis.user}, {@code .password} and {@code
 * depcache.redis.tls.*}, host names verified, and follows {@code SENTINEL FAILOVER}. A wrong
 * password, a wrong CA or no TLS at all is a failed call that says why, without the password.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SecuredSentinelStoreIT extends CacheStoreContract implements StoreAdminContract {
  private static final String MASTER = "depcache-secured";
  private static final String USER = "depcache-app";
  private static final String PASSWORD = "sentinel-secret-pw";

  private static RedisSentinel sentinel;
  private static TestCertificates certs;

  private static synchronized RedisSentinel sentinel() throws Exception {
    if (sentinel == null) {
      certs = TestCertificates.shared();
      sentinel = RedisSentinel.startSecured(MASTER, SecuredRedis.of(certs, USER, PASSWORD));
    }
    return sentinel;
  }

  @AfterAll
  static void stop() {
    if (sentinel != null) {
      sentinel.close();
    }
  }

  private static ManagerConfig settings(String... keyValues) throws Exception {
    Map<String, String> properties = new HashMap<>();
    properties.put("depcache.redis.sentinel.master", MASTER);
    properties.put("depcache.redis.sentinel.nodes", sentinel().nodes());
    properties.put("depcache.redis.timeout-ms", "2000");
    for (int i = 0; i < keyValues.length; i += 2) {
      properties.put(keyValues[i], keyValues[i + 1]);
    }
    return AgentConfig.load(null, properties, Map.of()).defaultManager();
  }

  private static ManagerConfig secured(String password, String truststore) throws Exception {
    return settings(
        "depcache.redis.url",
        "rediss://unused-host:6379/0",
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
      sentinel();
      return StoreFactory.open(secured(PASSWORD, certs.truststore().toString()), false);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The primary the sentinels name, as the store's user, over TLS. */
  @Override
  public StoreAdmin createAdmin() throws Exception {
    sentinel();
    return StoreAdmin.open(secured(PASSWORD, certs.truststore().toString()));
  }

  /** What the first call of a store of {@code settings} fails with. */
  private static String failure(ManagerConfig settings) {
    try (CacheStore store = StoreFactory.open(settings, false)) {
      try {
        store.get(KeyLayout.entryKey(KeyLayout.namespace("sec", "m"), "a"));
      } catch (StoreException e) {
        return e.getMessage() + (e.getCause() == null ? "" : " / " + e.getCause());
      }
      throw new AssertionError("a call on " + settings.sentinelNodes() + " did not fail");
    }
  }

  @Test
  void aWrongPasswordFailsNamingTheRefusedLoginWithoutThePassword() throws Exception {
    sentinel();
    String failed = failure(secured("not-the-password", certs.truststore().toString()));
    System.out.println("[SecuredSentinelStoreIT] wrong password: " + failed);
    assertThat(failed).doesNotContain("not-the-password").doesNotContain(PASSWORD);
    assertThat(failed).contains("named the primary of '" + MASTER + "'");
    assertThat(failed).contains("login refused: WRONGPASS");
  }

  @Test
  void aWrongCaFailsNamingTheUntrustedCertificate() throws Exception {
    sentinel();
    String failed = failure(secured(PASSWORD, certs.otherTruststore().toString()));
    System.out.println("[SecuredSentinelStoreIT] wrong CA: " + failed);
    assertThat(failed)
        .contains("TLS handshake failed: the server's certificate is not trusted")
        .contains("depcache.redis.tls.truststore")
        .doesNotContain(PASSWORD);
  }

  @Test
  void withoutTlsTheTlsOnlySentinelsAreNotReached() throws Exception {
    String failed =
        failure(settings("depcache.redis.user", USER, "depcache.redis.password", PASSWORD));
    System.out.println("[SecuredSentinelStoreIT] no TLS: " + failed);
    assertThat(failed)
        .contains("named the primary of '" + MASTER + "'")
        .contains("a sentinel that speaks only TLS closes plain connections")
        .doesNotContain(PASSWORD);
  }

  @Test
  void sentinelsThatWantNoLoginAreAskedWithoutTheCredentialsTheyRefuse() throws Exception {
    sentinel();
    try (RedisSentinel open =
            RedisSentinel.startSecuredWithOpenSentinels(
                MASTER, SecuredRedis.of(certs, USER, PASSWORD));
        Jedis asked = open.jedis(open.sentinels().get(0).port())) {
      assertThat(asked.sentinelGetMasterAddrByName(MASTER)).isNotEmpty();
      // such a sentinel knows no user depcache-app: it refuses the login the primary takes
      SecuredRedis security = SecuredRedis.of(certs, USER, PASSWORD);
      assertThatThrownBy(
              () -> {
                try (Jedis refused = security.jedis(open.sentinels().get(0).port(), 2000)) {
                  refused.ping();
                }
              })
          .hasMessageContaining("WRONGPASS");
      Map<String, String> properties = new HashMap<>();
      properties.put("depcache.redis.sentinel.master", MASTER);
      properties.put("depcache.redis.sentinel.nodes", open.nodes());
      properties.put("depcache.redis.timeout-ms", "2000");
      properties.put("depcache.redis.url", "rediss://unused-host:6379/0");
      properties.put("depcache.redis.user", USER);
      properties.put("depcache.redis.password", PASSWORD);
      properties.put("depcache.redis.tls.truststore", certs.truststore().toString());
      properties.put("depcache.redis.tls.truststore-password", certs.password());
      try (CacheStore openStore =
          StoreFactory.open(AgentConfig.load(null, properties, Map.of()).defaultManager(), false)) {
        openStore.put(entry("open"), bytes("yes"), 60_000, List.of(dep("user:9")));
        assertThat(openStore.get(entry("open"))).isEqualTo(bytes("yes"));
        try (Jedis primary = open.jedis(open.primary().port())) {
          assertThat(primary.exists(entry("open"))).isTrue();
        }
        assertThat(openStore.invalidate(List.of(dep("user:9")))).isEqualTo(1);
      }
    }
  }

  /** Last: the primary is the replica afterwards. */
  @Test
  @Order(Integer.MAX_VALUE)
  void followsAFailoverOverTlsAsTheAclUser() throws Exception {
    RedisSentinel deployment = sentinel();
    store.put(entry("a"), bytes("one"), 600_000, List.of(dep("user:1")));
    store.put(entry("b"), bytes("two"), 600_000, List.of(dep("user:2")));
    assertThat(store.get(entry("a"))).isEqualTo(bytes("one"));
    int replica = deployment.replica().port();
    awaitWithin(
        20,
        "the replica has the entries",
        () -> {
          try (Jedis r = deployment.jedis(replica)) {
            return r.exists(entry("a")) && r.exists(entry("b"));
          }
        });

    assertThat(deployment.failover()).isEqualTo("OK");
    long failedOver = System.nanoTime();
    int[] attempt = {0};
    awaitWithin(
        15,
        "caching resumes on the new primary",
        () -> {
          if (!deployment.replication(replica).contains("role:master")) {
            return false;
          }
          String fresh = entry("c" + attempt[0]++);
          store.put(fresh, bytes("three"), 600_000, List.of(dep("user:3")));
          if (!"three".equals(new String(store.get(fresh), UTF_8))) {
            return false;
          }
          try (Jedis promoted = deployment.jedis(replica)) {
            return promoted.exists(fresh);
          }
        });
    long resumedMillis = Duration.ofNanos(System.nanoTime() - failedOver).toMillis();
    System.out.println(
        "[SecuredSentinelStoreIT] caching resumed "
            + resumedMillis
            + " ms after SENTINEL FAILOVER");
    assertThat(resumedMillis).as("caching resumed after %d ms", resumedMillis).isLessThan(10_000);

    assertThat(store.invalidate(List.of(dep("user:1")))).isEqualTo(1);
    assertThat(store.get(entry("a"))).isNull();
    assertThat(store.get(entry("b"))).isEqualTo(bytes("two"));
    try (Jedis newPrimary = deployment.jedis(replica)) {
      assertThat(newPrimary.exists(entry("a"))).isFalse();
      assertThat(newPrimary.exists(entry("b"))).isTrue();
    }
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
}
