package io.depcache.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.depcache.testing.RedisSentinel;
import io.depcache.testing.SecuredRedis;
import io.depcache.testing.TestCertificates;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * The agent as users run it against Redis Sentinel where the primary, the replica and the sentinels
 * speak only TLS and know only an ACL user ({@code default} off): it caches there; with a trust
 * store of another CA or a wrong password, the application runs uncached and the log says why in
 * one line, without a password.
 */
class SecureSentinelIT {
  private static final String MASTER = "depcache-e2e";
  private static final String USER = "depcache";
  private static final String PASSWORD = "e2e-sentinel-secret";

  private static TestCertificates certs;
  private static SecuredRedis security;
  private static RedisSentinel sentinel;

  @BeforeAll
  static void start() throws Exception {
    certs = TestCertificates.shared();
    security = SecuredRedis.of(certs, USER, PASSWORD);
    sentinel = RedisSentinel.startSecured(MASTER, security);
  }

  @AfterAll
  static void stop() {
    if (sentinel != null) {
      sentinel.close();
    }
  }

  private static String javaHome() {
    return ItSettings.javaHomes().get(0);
  }

  private static List<String> agent(String truststore, String password) throws Exception {
    return List.of(
        "-javaagent:" + ItSettings.agentJar(),
        "-Ddepcache.spool-dir=" + Files.createTempDirectory("depcache-spool"),
        "-Ddepcache.redis.sentinel.master=" + MASTER,
        "-Ddepcache.redis.sentinel.nodes=" + sentinel.nodes(),
        "-Ddepcache.redis.url=rediss://sentinel-named:6379/0",
        "-Ddepcache.redis.timeout-ms=2000",
        "-Ddepcache.redis.user=" + USER,
        "-Ddepcache.redis.password=" + password,
        "-Ddepcache.redis.tls.truststore=" + truststore,
        "-Ddepcache.redis.tls.truststore-password=" + certs.password());
  }

  /** The store's warnings, once the first has been logged (the log is read behind the app). */
  private static List<String> storeWarnings(AppProcess app) throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (storeWarnings(app.log()).isEmpty() && System.nanoTime() - deadline < 0) {
      Thread.sleep(20);
    }
    return storeWarnings(app.log());
  }

  private static List<String> storeWarnings(String log) {
    return log.lines().filter(l -> l.contains("unavailable, bypassing it")).toList();
  }

  /** The WARN lines, but the one that says invalidations wait (made while the store was away). */
  private static List<String> warnings(String log) {
    return log.lines()
        .filter(l -> l.contains(" WARN "))
        .filter(l -> !l.contains("invalidations, deletes or clears wait for store"))
        .toList();
  }

  /** A miss's write goes on behind its call: wait until the entry is on the primary. */
  private static void awaitEntries(int count) throws Exception {
    try (Jedis primary = sentinel.jedis(sentinel.primary().port())) {
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (primary.keys("depcache:default:e:*").size() < count) {
        assertThat(System.nanoTime()).as("the entry was written").isLessThan(deadline);
        Thread.sleep(5);
      }
    }
  }

  @Test
  void cachesAndInvalidatesThroughTheSentinelsOverTlsAsTheAclUser() throws Exception {
    try (AppProcess app =
        AppProcess.start(javaHome(), agent(certs.truststore().toString(), PASSWORD), List.of())) {
      assertThat(app.send("active")).isEqualTo("true");
      assertThat(app.send("user 1")).isEqualTo("user1 computed=1");
      awaitEntries(1);
      assertThat(app.send("user 1")).isEqualTo("user1 computed=1");
      assertThat(app.send("invalidate user:1")).isEqualTo("1");
      assertThat(app.send("user 1")).isEqualTo("user1 computed=2");
      assertThat(storeWarnings(app.log())).isEmpty();
      assertThat(app.log()).doesNotContain(PASSWORD).doesNotContain(certs.password());
    }
  }

  @Test
  void aCertificateOfAnotherCaIsOneLogLineAndTheApplicationRunsUncached() throws Exception {
    try (AppProcess app =
        AppProcess.start(
            javaHome(), agent(certs.otherTruststore().toString(), PASSWORD), List.of())) {
      assertThat(app.send("user 6")).isEqualTo("user6 computed=1");
      assertThat(app.send("user 6")).isEqualTo("user6 computed=2");
      assertThat(app.send("user 6")).isEqualTo("user6 computed=3");

      assertThat(storeWarnings(app))
          .as("the store's warnings in the log:%n%s", app.log())
          .singleElement()
          .asString()
          .contains("sentinel '" + MASTER + "'")
          .contains("TLS handshake failed: the server's certificate is not trusted");
      assertThat(warnings(app.log())).as("the only WARN line").hasSize(1);
      assertThat(app.log()).doesNotContain(PASSWORD).doesNotContain(certs.password());
    }
  }

  @Test
  void aWrongPasswordIsOneLogLineAndTheApplicationRunsUncached() throws Exception {
    String wrong = "wrong-" + PASSWORD + "-wrong";
    try (AppProcess app =
        AppProcess.start(javaHome(), agent(certs.truststore().toString(), wrong), List.of())) {
      assertThat(app.send("user 7")).isEqualTo("user7 computed=1");
      assertThat(app.send("user 7")).isEqualTo("user7 computed=2");
      assertThat(app.send("invalidate user:7")).isEqualTo("0");

      assertThat(storeWarnings(app))
          .as("the store's warnings in the log:%n%s", app.log())
          .singleElement()
          .asString()
          .contains("sentinel '" + MASTER + "'")
          .contains("login refused: WRONGPASS");
      assertThat(warnings(app.log())).as("the only WARN line").hasSize(1);
      assertThat(app.log()).doesNotContain(wrong).doesNotContain(certs.password());
    }
  }
}
