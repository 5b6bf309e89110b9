package io.depcache.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.depcache.testing.RedisProcess;
import io.depcache.testing.TestCertificates;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

/**
 * The agent as users run it against a managed-style Redis: TLS only (no plain port), client
 * certificates required, the README's ACL user and the {@code default} user off. It caches there;
 * and where a setting is wrong (a trust store of another CA, a wrong password) the application runs
 * uncached and the log says why in one line, without a password.
 */
class SecureRedisIT {
  private static final Pattern README_LINE =
      Pattern.compile("^ACL SETUSER depcache (.*)$", Pattern.MULTILINE);

  private static final String ADMIN_PASSWORD = "admin-" + UUID.randomUUID();

  private static TestCertificates certs;
  private static RedisProcess server;
  private static String password;

  @BeforeAll
  static void start() throws Exception {
    certs = TestCertificates.shared();
    Path readme = Path.of("").toAbsolutePath().resolveSibling("README.md");
    Matcher line = README_LINE.matcher(Files.readString(readme));
    assertThat(line.find()).isTrue();
    List<String> rules = Arrays.asList(line.group(1).split(" "));
    password = rules.stream().filter(w -> w.startsWith(">")).findFirst().orElseThrow().substring(1);
    server =
        RedisProcess.start(
            (port, dir) -> {
              List<String> arguments =
                  new ArrayList<>(
                      List.of(
                          "--port",
                          "0",
                          "--tls-port",
                          Integer.toString(port),
                          "--bind",
                          "127.0.0.1",
                          "--save",
                          "",
                          "--appendonly",
                          "no",
                          "--user",
                          "default",
                          "off",
                          "--user",
                          "admin",
                          "on",
                          ">" + ADMIN_PASSWORD,
                          "allcommands",
                          "allkeys"));
              arguments.addAll(certs.serverArgs(true));
              // the README's rules, as a config directive
              arguments.add("--user");
              arguments.add("depcache");
              arguments.addAll(rules);
              return arguments;
            },
            RedisProcess.SERVER_READY);
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  private static String javaHome() {
    return ItSettings.javaHomes().get(0);
  }

  private static List<String> agent(String truststore, String userPassword) throws Exception {
    return List.of(
        "-javaagent:" + ItSettings.agentJar(),
        // its own spool: what one test's JVM left waiting is not the next one's
        "-Ddepcache.spool-dir=" + Files.createTempDirectory("depcache-spool"),
        "-Ddepcache.redis.url=rediss://localhost:" + server.port() + "/0",
        "-Ddepcache.redis.timeout-ms=2000",
        "-Ddepcache.redis.user=depcache",
        "-Ddepcache.redis.password=" + userPassword,
        "-Ddepcache.redis.tls.truststore=" + truststore,
        "-Ddepcache.redis.tls.truststore-password=" + certs.password(),
        "-Ddepcache.redis.tls.keystore=" + certs.clientKeystore(),
        "-Ddepcache.redis.tls.keystore-password=" + certs.password());
  }

  /** The store's warnings, once the first has been logged (the log is read behind the app). */
  private static List<String> storeWarnings(AppProcess app) throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (storeWarnings(app.log()).isEmpty() && System.nanoTime() - deadline < 0) {
      Thread.sleep(20);
    }
    return storeWarnings(app.log());
  }

  /** A miss's write goes on behind its call: wait until the entry is in Redis. */
  private static void awaitEntries(int count) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(certs.truststore())) {
      trust.load(in, certs.password().toCharArray());
    }
    KeyStore keys = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(certs.clientKeystore())) {
      keys.load(in, certs.password().toCharArray());
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, certs.password().toCharArray());
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    try (Jedis admin =
        new Jedis(
            new HostAndPort("localhost", server.port()),
            DefaultJedisClientConfig.builder()
                .ssl(true)
                .sslSocketFactory(tls.getSocketFactory())
                .user("admin")
                .password(ADMIN_PASSWORD)
                .build())) {
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (admin.keys("depcache:default:e:*").size() < count) {
        assertThat(System.nanoTime()).as("the entry was written").isLessThan(deadline);
        Thread.sleep(5);
      }
    }
  }

  /** The WARN lines, but the one that says invalidations wait (made while the store was away). */
  private static List<String> warnings(String log) {
    return log.lines()
        .filter(l -> l.contains(" WARN "))
        .filter(l -> !l.contains("invalidations, deletes or clears wait for store"))
        .toList();
  }

  private static List<String> storeWarnings(String log) {
    return log.lines().filter(l -> l.contains("unavailable, bypassing it")).toList();
  }

  @Test
  void cachesAndInvalidatesOverMutualTlsAsTheReadmesAclUser() throws Exception {
    try (AppProcess app =
        AppProcess.start(javaHome(), agent(certs.truststore().toString(), password), List.of())) {
      assertThat(app.send("active")).isEqualTo("true");
      assertThat(app.send("user 1")).isEqualTo("user1 computed=1");
      awaitEntries(1);
      assertThat(app.send("user 1")).isEqualTo("user1 computed=1");
      assertThat(app.send("invalidate user:1")).isEqualTo("1");
      assertThat(app.send("user 1")).isEqualTo("user1 computed=2");
      assertThat(storeWarnings(app.log())).isEmpty();
      assertThat(app.log()).doesNotContain(password).doesNotContain(certs.password());
    }
  }

  @Test
  void aServerCertificateOfAnotherCaIsOneLogLineAndTheApplicationRunsUncached() throws Exception {
    try (AppProcess app =
        AppProcess.start(
            javaHome(), agent(certs.otherTruststore().toString(), password), List.of())) {
      assertThat(app.send("user 6")).isEqualTo("user6 computed=1");
      assertThat(app.send("user 6")).isEqualTo("user6 computed=2");
      assertThat(app.send("user 6")).isEqualTo("user6 computed=3");

      assertThat(storeWarnings(app))
          .as("the store's warnings in the log:%n%s", app.log())
          .singleElement()
          .asString()
          .contains("rediss://localhost:" + server.port())
          .contains("TLS handshake failed: the server's certificate is not trusted");
      assertThat(warnings(app.log())).as("the only WARN line").hasSize(1);
      assertThat(app.log()).doesNotContain(password).doesNotContain(certs.password());
    }
  }

  @Test
  void aWrongPasswordIsOneLogLineAndTheApplicationRunsUncached() throws Exception {
    String wrong = "wrong-" + password + "-wrong";
    try (AppProcess app =
        AppProcess.start(javaHome(), agent(certs.truststore().toString(), wrong), List.of())) {
      assertThat(app.send("user 7")).isEqualTo("user7 computed=1");
      assertThat(app.send("user 7")).isEqualTo("user7 computed=2");
      assertThat(app.send("invalidate user:7")).isEqualTo("0");

      assertThat(storeWarnings(app))
          .as("the store's warnings in the log:%n%s", app.log())
          .singleElement()
          .asString()
          .contains("login refused: WRONGPASS");
      assertThat(warnings(app.log())).as("the only WARN line").hasSize(1);
      assertThat(app.log()).doesNotContain(wrong).doesNotContain(certs.password());
    }
  }
}
