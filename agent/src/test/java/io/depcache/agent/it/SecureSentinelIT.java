package io.depcache.agent.it;

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
class SecureSentinelIT extends SecuredDeploymentScenarios {
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

  @Override
  TestCertificates certs() {
    return certs;
  }

  @Override
  String password() {
    return PASSWORD;
  }

  @Override
  String location() {
    return "sentinel '" + MASTER + "'";
  }

  @Override
  List<String> agent(String truststore, String password) throws Exception {
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

  /** The primary the sentinels name. */
  @Override
  Jedis entries() {
    return sentinel.jedis(sentinel.primary().port());
  }

  @Test
  void cachesAndInvalidatesThroughTheSentinelsOverTlsAsTheAclUser() throws Exception {
    cachesAndInvalidates();
  }

  @Test
  void servesNearHitsThroughTheSentinelsOverTlsAsTheAclUser() throws Exception {
    servesNearHitsAndInvalidates();
  }

  @Test
  void aCertificateOfAnotherCaIsOneLogLineAndTheApplicationRunsUncached() throws Exception {
    aCertificateOfAnotherCaIsOneWarnLine();
  }

  @Test
  void aWrongPasswordIsOneLogLineAndTheApplicationRunsUncached() throws Exception {
    aWrongPasswordIsOneWarnLine();
  }
}
