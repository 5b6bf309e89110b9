package io.depcache.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AgentConfigProblemsTest {
  @TempDir Path dir;

  private List<String> problems(String args, Map<String, String> sys, Map<String, String> env) {
    try {
      AgentConfig.load(args, sys, env);
    } catch (ConfigException e) {
      assertThat(e.getMessage()).isEqualTo(String.join(System.lineSeparator(), e.problems()));
      return e.problems();
    }
    throw new AssertionError("expected a ConfigException");
  }

  private List<String> problemsOfProperty(String key, String value) {
    return problems(null, Map.of(key, value), Map.of());
  }

  @Test
  void everyProblemOfTheFileIsReportedWithItsLine() throws Exception {
    Path file = dir.resolve("depcache.properties");
    Files.writeString(
        file,
        "# depcache\n"
            + "depcache.backend=redis\n"
            + "depcache.ttl=5m\n"
            + "depcache.tll=60\n"
            + "\n"
            + "depcache.redis.timeout-ms = \\\n"
            + "    0\n"
            + "depcache.on-error: ignore\n");

    List<String> problems = problems("config=" + file, Map.of(), Map.of());

    assertThat(problems)
        .containsExactlyInAnyOrder(
            "depcache.ttl must be a whole number of seconds >= 0, got '5m' (file "
                + file
                + ", line 3)",
            "depcache.tll is not a known setting, did you mean depcache.ttl? (file "
                + file
                + ", line 4)",
            "depcache.redis.timeout-ms must be a whole number of milliseconds 1-600000, got '0'"
                + " (file "
                + file
                + ", line 6)",
            "depcache.on-error must be one of bypass, fail, got 'ignore' (file "
                + file
                + ", line 8)");
  }

  @Test
  void problemsFromSeveralSourcesAreReportedTogether() {
    List<String> problems =
        problems(
            "ttl=-1,nonsense",
            Map.of("depcache.prefix", "my app"),
            Map.of(
                "DEPCACHE_NEAR_CACHE_ENABLED", "yes", "REDIS_PORT", "99999", "DEPCACHE_TLL", "1"));

    assertThat(problems)
        .containsExactlyInAnyOrder(
            "depcache.ttl must be a whole number of seconds >= 0, got '-1' (agent argument ttl)",
            "agent argument 'nonsense' must be key=value (arguments: k=v,k2=v2; \\, for a comma"
                + " inside a value)",
            "depcache.prefix must be a non-empty prefix without whitespace, without * ? [ ] and"
                + " not ending in ':', got 'my app' (system property -Ddepcache.prefix)",
            "depcache.near-cache.enabled must be "
                + Values.BOOLEAN
                + ", got 'yes' (environment variable DEPCACHE_NEAR_CACHE_ENABLED)",
            "REDIS_PORT must be a port 1-65535 (it makes depcache.redis.url), got '99999'"
                + " (environment variable REDIS_PORT)");
  }

  @Test
  void anUnknownEnvironmentVariableIsAWarningNotARefusal() throws Exception {
    AgentConfig config =
        AgentConfig.load(
            null,
            Map.of(),
            Map.of("DEPCACHE_TLL", "1", "DEPCACHE_HOME", "/opt/depcache", "DEPCACHE_TTL", "60"));

    assertThat(config.defaultManager().ttlSeconds()).isEqualTo(60);
    assertThat(config.warnings())
        .containsExactly(
            "DEPCACHE_HOME is not a known setting and is ignored (environment variable"
                + " DEPCACHE_HOME)",
            "DEPCACHE_TLL is not a known setting and is ignored; did you mean DEPCACHE_TTL?"
                + " (environment variable DEPCACHE_TLL)");
  }

  @Test
  void aKnownEnvironmentVariableThatDoesNotParseStillStopsTheAgent() {
    assertThat(problems(null, Map.of(), Map.of("DEPCACHE_TTL", "5m", "DEPCACHE_HOME", "/x")))
        .containsExactly(
            "depcache.ttl must be a whole number of seconds >= 0, got '5m' (environment variable"
                + " DEPCACHE_TTL)");
  }

  @Test
  void unknownKeysAreReportedFromEverySource() {
    assertThat(problems("tll=1", Map.of(), Map.of()))
        .containsExactly(
            "depcache.tll is not a known setting, did you mean depcache.ttl? (agent argument tll)");
    assertThat(problemsOfProperty("depcache.manager.reports.tll", "1"))
        .containsExactly(
            "depcache.manager.reports.tll is not a known setting, did you mean"
                + " depcache.manager.reports.ttl? (system property"
                + " -Ddepcache.manager.reports.tll)");
    assertThat(problemsOfProperty("depcache.colour", "red"))
        .containsExactly(
            "depcache.colour is not a known setting (system property -Ddepcache.colour)");
  }

  @Test
  void aKeyWithoutPrefixInTheFileIsUnknown() throws Exception {
    Path file = dir.resolve("f.properties");
    Files.writeString(file, "ttl=60\n");

    assertThat(problems(null, Map.of("depcache.config", file.toString()), Map.of()))
        .containsExactly(
            "ttl is not a known setting, did you mean depcache.ttl? (file " + file + ", line 1)");
  }

  @Test
  void aMissingFileNamesThePathAndTheSourceThatNamedIt() {
    Path missing = dir.resolve("missing.properties");

    assertThat(problems(null, Map.of(), Map.of("DEPCACHE_CONFIG", missing.toString())))
        .containsExactly(
            "depcache.config names a file that does not exist: "
                + missing
                + " (environment variable DEPCACHE_CONFIG)");
  }

  @Test
  void configInsideTheFileIsAProblem() throws Exception {
    Path file = dir.resolve("f.properties");
    Files.writeString(file, "depcache.config=/elsewhere\n");

    assertThat(problems("config=" + file, Map.of(), Map.of()))
        .singleElement()
        .asString()
        .startsWith("depcache.config has no effect inside the properties file");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "depcache.enabled|yes|true or false",
        "depcache.enabled|1|true or false",
        "depcache.backend|mongo|one of redis, memory",
        "depcache.redis.url|http://h:1/0|a URI starting with redis:// or rediss://",
        "depcache.redis.url|redis://:1/0|a redis:// URI with a host",
        "depcache.redis.url|redis://h:70000/0|a redis:// URI whose port is 1-65535",
        "depcache.redis.url|redis://h:6379/zero|a redis:// URI whose path is a database number",
        "depcache.redis.url|redis://h 1|a URI like redis://",
        "depcache.redis.cluster.nodes|h1:7000,h2|a comma-separated list of host:port",
        "depcache.redis.sentinel.nodes|h1:0|a comma-separated list of host:port",
        "depcache.redis.timeout-ms|600001|a whole number of milliseconds 1-600000",
        "depcache.redis.timeout-ms|fast|a whole number of milliseconds 1-600000",
        "depcache.prefix|app:|not ending in ':'",
        "depcache.prefix|app*|without * ? [ ]",
        "depcache.prefix|a[1]|without * ? [ ]",
        "depcache.ttl|1.5|a whole number of seconds >= 0",
        "depcache.serializer|json|one of java, kryo",
        "depcache.serializer.allow|com.example.***|a comma-separated list of class names",
        "depcache.serializer.allow|com..x|a comma-separated list of class names",
        "depcache.on-error|throw|one of bypass, fail",
        "depcache.near-cache.enabled|on|true or false",
        "depcache.near-cache.max-entries|0|a whole number of entries >= 1",
        "depcache.near-cache.ttl|1m|a whole number of seconds >= 1",
        "depcache.manager.hot.near-cache.ttl|0|a whole number of seconds >= 1",
        "depcache.near-cache.copy|yes|true or false",
        "depcache.single-flight.wait-ms|-5|a whole number of milliseconds 0-2147483647",
        "depcache.lease.enabled|maybe|true or false",
        "depcache.lease.wait-ms|3000000000|a whole number of milliseconds 0-2147483647",
        "depcache.invalidate.repeat-after-ms|-1|a whole number of milliseconds >= 0",
        "depcache.manager.reports.ttl|-3|a whole number of seconds >= 0",
        "depcache.manager.reports.backend|disk|one of redis, memory",
        "depcache.target.t.ttl|-2|a whole number of seconds >= -1",
        "depcache.target.t.cache-nulls|no|true or false",
        "depcache.target.t.cache-exceptions|IOException|fully qualified class names",
        "depcache.target.t.manager|a b|a manager name",
        "depcache.invalidate.i.dependencies|,|a comma-separated list of dependency templates",
      })
  void badValuesSayWhatWasExpected(String key, String value, String expected) {
    Map<String, String> sys = new java.util.HashMap<>(Map.of(key, value));
    String ruleMethod = "com.example.Service#load(..)";
    if (key.startsWith("depcache.target.t.")) {
      sys.put("depcache.target.t.method", ruleMethod);
    }
    if (key.startsWith("depcache.invalidate.i.")) {
      sys.put("depcache.invalidate.i.method", ruleMethod);
    }

    List<String> problems = problems(null, sys, Map.of());

    assertThat(problems).hasSize(1);
    assertThat(problems.get(0))
        .startsWith(key + " must be ")
        .contains(expected)
        .contains(", got '" + value + "'")
        .endsWith("(system property -D" + key + ")");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "redis://h:6379/0",
        "rediss://user:pw@h.example.com/3",
        "redis://[::1]:6379",
        "redis://h",
      })
  void goodRedisUrlsAreAccepted(String url) throws Exception {
    assertThat(AgentConfig.load(null, Map.of("depcache.redis.url", url), Map.of()))
        .extracting(c -> c.defaultManager().redisUrl())
        .isEqualTo(url);
  }

  @Test
  void signingKeyMustBeLongEnoughAndIsNeverShown() {
    List<String> problems = problemsOfProperty("depcache.signing-key", "short-secret");

    assertThat(problems)
        .containsExactly(
            "depcache.signing-key must be at least 32 bytes long (12 here; text counts its UTF-8"
                + " bytes, base64:<Base64> gives binary), got '<12 characters>'"
                + " (system property -Ddepcache.signing-key)");
  }

  @Test
  void signingKeyInBase64CountsItsDecodedBytes() throws Exception {
    String sixteen = "base64:" + java.util.Base64.getEncoder().encodeToString(new byte[16]);
    String thirtyTwo = "base64:" + java.util.Base64.getEncoder().encodeToString(new byte[32]);

    assertThat(problemsOfProperty("depcache.signing-key", sixteen))
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .contains("at least 32 bytes long (16 here");
    assertThat(problemsOfProperty("depcache.signing-key", "base64:not base64!"))
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .contains("base64: followed by valid Base64");
    assertThat(
            AgentConfig.load(null, Map.of("depcache.signing-key", thirtyTwo), Map.of())
                .defaultManager()
                .signingKeyBytes())
        .hasSize(32)
        .containsOnly(0);
  }

  @Test
  void previousSigningKeyNeedsACurrentOne() {
    assertThat(problemsOfProperty("depcache.signing-key.previous", "p".repeat(32)))
        .containsExactly(
            "depcache.signing-key must be set too when signing-key.previous is set (system"
                + " property -Ddepcache.signing-key.previous)");
  }

  @Test
  void tlsAndAclKeysAreRead() throws Exception {
    ManagerConfig m =
        AgentConfig.load(
                null,
                Map.of(
                    "depcache.redis.url", "rediss://cache:6380/0",
                    "depcache.redis.user", "app",
                    "depcache.redis.password", "pw",
                    "depcache.redis.tls.truststore", "/etc/trust.jks",
                    "depcache.redis.tls.truststore-type", "jks",
                    "depcache.redis.tls.truststore-password", "tpw",
                    "depcache.manager.b.redis.tls.keystore", "/etc/client.p12",
                    "depcache.manager.b.redis.tls.keystore-password", "kpw",
                    "depcache.manager.b.redis.tls.verify-hostname", "false"),
                Map.of())
            .manager("b");

    assertThat(m.usesTls()).isTrue();
    assertThat(m.redisUser()).isEqualTo("app");
    assertThat(m.redisPassword()).isEqualTo("pw");
    assertThat(m.tls())
        .isEqualTo(
            new TlsSettings(
                "/etc/trust.jks", "tpw", "JKS", "/etc/client.p12", "kpw", "PKCS12", false));
  }

  @Test
  void credentialsInTheUrlAndInTheirOwnKeysAreOneTooMany() {
    List<String> problems =
        problems(
            null,
            Map.of(
                "depcache.redis.url", "redis://app:pw@cache:6379/0",
                "depcache.redis.password", "other"),
            Map.of());

    assertThat(problems)
        .containsExactly(
            "depcache.redis.url names a user or password, and depcache.redis.password is set too:"
                + " give the credentials in one place (system property -Ddepcache.redis.url;"
                + " system property -Ddepcache.redis.password)");
  }

  @Test
  void aUserNeedsAPassword() {
    assertThat(problemsOfProperty("depcache.redis.user", "app"))
        .containsExactly(
            "depcache.redis.password must be set too when redis.user is set (system property"
                + " -Ddepcache.redis.user)");
  }

  @Test
  void tlsKeysWithoutRedissAreAWarning() throws Exception {
    AgentConfig config =
        AgentConfig.load(null, Map.of("depcache.redis.tls.truststore", "/etc/trust.p12"), Map.of());

    assertThat(config.warnings())
        .containsExactly(
            "depcache.redis.tls.truststore is set but depcache.redis.url is not rediss://, so the"
                + " connection is not TLS and the setting is unused (system property"
                + " -Ddepcache.redis.tls.truststore)");
  }

  @Test
  void storeTypesAreNamed() {
    assertThat(problemsOfProperty("depcache.redis.tls.keystore-type", "pem"))
        .containsExactly(
            "depcache.redis.tls.keystore-type must be one of PKCS12, JKS, got 'pem' (system"
                + " property -Ddepcache.redis.tls.keystore-type)");
  }

  @Test
  void sentinelNeedsBothKeysAndExcludesCluster() {
    assertThat(problemsOfProperty("depcache.redis.sentinel.master", "mymaster"))
        .containsExactly(
            "depcache.redis.sentinel.nodes must be set too when redis.sentinel.master is set"
                + " (system property -Ddepcache.redis.sentinel.master)");
    assertThat(
            problems(
                null,
                Map.of(
                    "depcache.manager.ha.redis.sentinel.nodes", "s1:26379",
                    "depcache.redis.cluster.nodes", "c1:7000"),
                Map.of()))
        .containsExactlyInAnyOrder(
            "depcache.manager.ha.redis.sentinel.master must be set too when"
                + " redis.sentinel.nodes is set (system property"
                + " -Ddepcache.manager.ha.redis.sentinel.nodes)",
            "depcache.manager.ha.redis.cluster.nodes and depcache.manager.ha.redis.sentinel.nodes"
                + " must not both be set (system property -Ddepcache.redis.cluster.nodes; system"
                + " property -Ddepcache.manager.ha.redis.sentinel.nodes)");
  }

  @Test
  void invalidManagerNamesAndRuleIdsAreProblems() {
    assertThat(problemsOfProperty("depcache.manager.my reports.ttl", "5"))
        .containsExactly(
            "depcache.manager.my reports.ttl has an invalid manager name 'my reports': expected"
                + " letters, digits, '_', '.' or '-' (system property"
                + " -Ddepcache.manager.my reports.ttl)");
  }

  @Test
  void anEmptyConfigPathIsAProblem() {
    assertThat(problemsOfProperty("depcache.config", ""))
        .containsExactly(
            "depcache.config must be the path of a properties file, got '' (system property"
                + " -Ddepcache.config)");
  }

  @Test
  void theExceptionIsAConfigException() {
    assertThatThrownBy(() -> AgentConfig.load("ttl=x", Map.of(), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("depcache.ttl");
  }
}
