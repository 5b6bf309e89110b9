package io.depcache.agent.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.depcache.agent.config.AgentConfig;
import io.depcache.agent.config.ManagerConfig;
import io.depcache.testing.RedisProcess;
import io.depcache.testing.TestCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code rediss://} against real {@code redis-server} processes that have only a TLS port, with
 * certificates made at test time: trust from a PKCS12 or JKS store, host-name verification, mutual
 * TLS, and the failures a user meets (a wrong CA, a missing client certificate, a store that cannot
 * be opened), each one clear message without a password.
 */
class TlsStoreIT {
  private static Path dir;
  private static TestCertificates certs;
  private static RedisProcess tlsOnly;
  private static RedisProcess mutual;

  @BeforeAll
  static void start() throws Exception {
    dir = Files.createTempDirectory("depcache-tls");
    certs = TestCertificates.shared();
    tlsOnly = RedisProcess.start((port, d) -> tlsServer(port, false), RedisProcess.SERVER_READY);
    mutual = RedisProcess.start((port, d) -> tlsServer(port, true), RedisProcess.SERVER_READY);
  }

  @AfterAll
  static void stop() {
    for (RedisProcess p : new RedisProcess[] {tlsOnly, mutual}) {
      if (p != null) {
        p.close();
      }
    }
  }

  private static List<String> tlsServer(int port, boolean clientCertificates) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--port",
                "0", // no plain port: every connection that works is TLS
                "--tls-port",
                Integer.toString(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no"));
    args.addAll(certs.serverArgs(clientCertificates));
    return args;
  }

  private static ManagerConfig settings(String url, String... keyValues) throws Exception {
    Map<String, String> properties = new HashMap<>();
    properties.put("depcache.redis.url", url);
    properties.put("depcache.redis.timeout-ms", "2000");
    properties.put("depcache.spool-dir", dir.resolve("spool").toString());
    for (int i = 0; i < keyValues.length; i += 2) {
      properties.put(keyValues[i], keyValues[i + 1]);
    }
    return AgentConfig.load(null, properties, Map.of()).defaultManager();
  }

  private static String localhost(RedisProcess server) {
    return "rediss://localhost:" + server.port() + "/0";
  }

  private String trust(Path store) {
    return store.toString();
  }

  /** Writes, reads and invalidates one entry: the store works end to end. */
  private static void roundTrip(CacheStore store) {
    String ns = KeyLayout.namespace("tls", "m");
    String entry = KeyLayout.entryKey(ns, "a");
    String dependency = KeyLayout.dependencyKey(ns, "user:1");
    store.put(entry, "value".getBytes(UTF_8), 60_000, List.of(dependency));
    assertThat(store.get(entry)).isEqualTo("value".getBytes(UTF_8));
    assertThat(store.invalidate(List.of(dependency))).isEqualTo(1);
    assertThat(store.get(entry)).isNull();
  }

  private static String failure(ManagerConfig settings) {
    try (CacheStore store = StoreFactory.open(settings)) {
      Throwable thrown = null;
      try {
        store.get(KeyLayout.entryKey(KeyLayout.namespace("tls", "m"), "a"));
      } catch (StoreException e) {
        thrown = e;
      }
      assertThat(thrown).as("the call fails").isNotNull();
      return thrown.getMessage();
    }
  }

  @Test
  void aServerWithOnlyATlsPortServesThroughAPkcs12TrustStore() throws Exception {
    try (CacheStore store =
        StoreFactory.open(
            settings(
                localhost(tlsOnly),
                "depcache.redis.tls.truststore",
                certs.truststore().toString(),
                "depcache.redis.tls.truststore-password",
                certs.password()))) {
      roundTrip(store);
    }
  }

  @Test
  void aJksTrustStoreWorksToo() throws Exception {
    try (CacheStore store =
        StoreFactory.open(
            settings(
                localhost(tlsOnly),
                "depcache.redis.tls.truststore",
                certs.truststoreJks().toString(),
                "depcache.redis.tls.truststore-type",
                "JKS",
                "depcache.redis.tls.truststore-password",
                certs.password()))) {
      roundTrip(store);
    }
  }

  @Test
  void aServerCertificateOfAnotherCaIsRefusedWithOneClearMessage() throws Exception {
    String message =
        failure(
            settings(
                localhost(tlsOnly),
                "depcache.redis.tls.truststore",
                certs.otherTruststore().toString(),
                "depcache.redis.tls.truststore-password",
                certs.password()));

    assertThat(message)
        .contains("rediss://localhost:" + tlsOnly.port())
        .contains("TLS handshake failed")
        .contains("not trusted")
        .doesNotContain(certs.password());
  }

  @Test
  void withoutATrustStoreTheJvmsDefaultTrustRefusesATestCa() throws Exception {
    assertThat(failure(settings(localhost(tlsOnly)))).contains("TLS handshake failed");
  }

  @Test
  void theHostNameIsCheckedUnlessVerificationIsOff() throws Exception {
    // the certificate names localhost only, not 127.0.0.1
    String byAddress = "rediss://127.0.0.1:" + tlsOnly.port() + "/0";
    String message =
        failure(
            settings(
                byAddress,
                "depcache.redis.tls.truststore",
                certs.truststore().toString(),
                "depcache.redis.tls.truststore-password",
                certs.password()));
    assertThat(message).contains("TLS handshake failed").contains("127.0.0.1");

    try (CacheStore store =
        StoreFactory.open(
            settings(
                byAddress,
                "depcache.redis.tls.truststore",
                certs.truststore().toString(),
                "depcache.redis.tls.truststore-password",
                certs.password(),
                "depcache.redis.tls.verify-hostname",
                "false"))) {
      roundTrip(store);
    }
  }

  @Test
  void mutualTlsShowsTheClientCertificate() throws Exception {
    try (CacheStore store =
        StoreFactory.open(
            settings(
                localhost(mutual),
                "depcache.redis.tls.truststore",
                certs.truststore().toString(),
                "depcache.redis.tls.truststore-password",
                certs.password(),
                "depcache.redis.tls.keystore",
                certs.clientKeystore().toString(),
                "depcache.redis.tls.keystore-password",
                certs.password()))) {
      roundTrip(store);
    }
  }

  @Test
  void mutualTlsRefusesAClientWithoutACertificateOrWithOneOfAnotherCa() throws Exception {
    String without =
        failure(
            settings(
                localhost(mutual),
                "depcache.redis.tls.truststore",
                certs.truststore().toString(),
                "depcache.redis.tls.truststore-password",
                certs.password()));
    String foreign =
        failure(
            settings(
                localhost(mutual),
                "depcache.redis.tls.truststore",
                certs.truststore().toString(),
                "depcache.redis.tls.truststore-password",
                certs.password(),
                "depcache.redis.tls.keystore",
                certs.otherClientKeystore().toString(),
                "depcache.redis.tls.keystore-password",
                certs.password()));

    assertThat(without)
        .contains("rediss://localhost:" + mutual.port())
        .contains("check depcache.redis.tls.keystore");
    assertThat(foreign)
        .contains("rediss://localhost:" + mutual.port())
        .contains("check depcache.redis.tls.keystore");
    assertThat(without + foreign).doesNotContain(certs.password());
  }

  @Test
  void aStoreThatCannotBeOpenedIsNamedWithoutItsPassword() throws Exception {
    String wrongPassword = "not-the-" + certs.password();
    String message =
        failure(
            settings(
                localhost(tlsOnly),
                "depcache.redis.tls.truststore",
                certs.truststore().toString(),
                "depcache.redis.tls.truststore-password",
                wrongPassword));
    assertThat(message)
        .contains("depcache.redis.tls.truststore " + certs.truststore() + " (PKCS12) cannot be")
        .doesNotContain(wrongPassword);

    String missing = dir.resolve("nowhere.p12").toString();
    assertThat(
            failure(
                settings(
                    localhost(tlsOnly),
                    "depcache.redis.tls.keystore",
                    missing,
                    "depcache.redis.tls.keystore-password",
                    wrongPassword)))
        .contains("depcache.redis.tls.keystore " + missing + " (PKCS12) cannot be read")
        .doesNotContain(wrongPassword);
  }
}
