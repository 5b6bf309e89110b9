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
class SecureRedisIT extends SecuredDeploymentScenarios {
  private static final Pattern README_LINE =
      Pattern.compile("^ACL SETUSER depcache (.*)$", Pattern.MULTILINE);

  private static final Pattern README_NEAR_LINE =
      Pattern.compile("^ACL SETUSER depcache (\\+subscribe .*)$", Pattern.MULTILINE);

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

  /** With the near cache on, {@code call} is never a near hit, and one WARN line says why. */
  private void assertRefusedOnce(String call, String why) throws Exception {
    String name = call.replace(" ", "");
    try (AppProcess app =
        AppProcess.start(
            ItSettings.javaHomes().get(0),
            withNearCache(agent(certs.truststore().toString(), password)),
            List.of())) {
      assertThat(app.send("near-hits")).isEqualTo("0");
      assertThat(app.send(call)).isEqualTo(name + " computed=1");
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (!app.log().contains("the near cache of depcache:@near serves nothing")) {
        assertThat(System.nanoTime())
            .as("the near cache's WARN line in%n%s", app.log())
            .isLessThan(deadline);
        Thread.sleep(20);
      }
      assertThat(app.send(call)).isEqualTo(name + " computed=1");
      assertThat(app.send("near-hits")).isEqualTo("0");
      assertThat(app.log().lines().filter(l -> l.contains("near cache of")).toList())
          .singleElement()
          .asString()
          .contains(" WARN ", why);
    }
  }

  @Override
  TestCertificates certs() {
    return certs;
  }

  @Override
  String password() {
    return password;
  }

  @Override
  String location() {
    return "rediss://localhost:" + server.port();
  }

  @Override
  List<String> agent(String truststore, String userPassword) throws Exception {
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

  /** Redis itself, as the admin user. */
  @Override
  Jedis entries() throws Exception {
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
    return new Jedis(
        new HostAndPort("localhost", server.port()),
        DefaultJedisClientConfig.builder()
            .ssl(true)
            .sslSocketFactory(tls.getSocketFactory())
            .user("admin")
            .password(ADMIN_PASSWORD)
            .build());
  }

  @Test
  void cachesAndInvalidatesOverMutualTlsAsTheReadmesAclUser() throws Exception {
    cachesAndInvalidates();
  }

  @Test
  void servesNearHitsOverMutualTlsAsTheReadmesAclUserWithTheNearCachesRules() throws Exception {
    Path readme = Path.of("").toAbsolutePath().resolveSibling("README.md");
    Matcher line = README_NEAR_LINE.matcher(Files.readString(readme));
    assertThat(line.find()).as("the README's ACL line of the near cache").isTrue();
    List<String> rules = Arrays.asList(line.group(1).split(" "));
    // without them: one WARN line that says why, and no near hit
    assertRefusedOnce("user 12", "NOPERM");
    // with the publish and subscribe rules only: the scripts are refused inside
    try (Jedis admin = entries()) {
      admin.aclSetUser("depcache", "+subscribe", "+unsubscribe", "+publish");
    }
    try {
      assertRefusedOnce("user 13", "can't run this command");
    } finally {
      try (Jedis admin = entries()) {
        admin.aclSetUser("depcache", "-subscribe", "-unsubscribe", "-publish");
      }
    }
    try (Jedis admin = entries()) {
      admin.aclSetUser("depcache", rules.toArray(new String[0]));
    }
    try {
      servesNearHitsAndInvalidates();
    } finally {
      try (Jedis admin = entries()) {
        admin.aclSetUser(
            "depcache", rules.stream().map(r -> "-" + r.substring(1)).toArray(String[]::new));
      }
    }
  }

  @Test
  void aUserThatMayNotPublishItsCountersIsOneWarnLineAndCachingGoesOn() throws Exception {
    try (Jedis admin = entries()) {
      admin.aclSetUser("depcache", "-hset");
    }
    try (AppProcess app =
        AppProcess.start(
            ItSettings.javaHomes().get(0),
            agent(certs.truststore().toString(), password),
            List.of())) {
      assertThat(app.send("user 15")).isEqualTo("user15 computed=1");
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (!app.log().contains("counters are not published for `stats`")) {
        assertThat(System.nanoTime())
            .as("the stats' WARN line in%n%s", app.log())
            .isLessThan(deadline);
        Thread.sleep(20);
      }
      assertThat(app.send("user 15")).isEqualTo("user15 computed=1"); // a hit
      assertThat(app.log().lines().filter(l -> l.contains(" WARN ") && l.contains("depcache")))
          .singleElement()
          .asString()
          // Redis 7.0 and 7.1, or 7.2 and later
          .containsAnyOf("can't run this command", "no permissions to run the 'hset'")
          .doesNotContain(password);
    } finally {
      try (Jedis admin = entries()) {
        admin.aclSetUser("depcache", "+hset");
      }
    }
  }

  @Test
  void aServerCertificateOfAnotherCaIsOneLogLineAndTheApplicationRunsUncached() throws Exception {
    aCertificateOfAnotherCaIsOneWarnLine();
  }

  @Test
  void aWrongPasswordIsOneLogLineAndTheApplicationRunsUncached() throws Exception {
    aWrongPasswordIsOneWarnLine();
  }
}
