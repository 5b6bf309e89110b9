package io.depcache.agent.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class AgentConfigRedactionTest {
  private static final String SECRET = "s3cr3t-Pa55";

  private String problems(String args, Map<String, String> sys, Map<String, String> env) {
    try {
      AgentConfig.load(args, sys, env);
    } catch (ConfigException e) {
      return e.getMessage();
    }
    throw new AssertionError("expected a ConfigException");
  }

  @Test
  void badRedisUrlsAreShownWithoutTheirPassword() {
    String message =
        problems(
            null,
            Map.of(
                "depcache.redis.url", "redis://app:" + SECRET + "@h:99999/0",
                "depcache.manager.a.redis.url", "redis//app:" + SECRET + "@h",
                "depcache.manager.b.redis.url", "redis://:pa#" + SECRET + "@h:1/0"),
            Map.of());

    assertThat(message)
        .contains("got 'redis://app:***@h:99999/0'")
        .contains("got '***@h'")
        .contains("got 'redis://:***@h:1/0'")
        .doesNotContain(SECRET);
    assertThat(message.lines()).hasSize(3);
  }

  @Test
  void redisPasswordNeverAppearsWhenItsSiblingsAreWrong() {
    String message =
        problems(
            null, Map.of(), Map.of("REDIS_PASSWORD", SECRET, "REDIS_PORT", "x", "REDIS_DB", "-1"));

    assertThat(message).contains("REDIS_PORT").contains("REDIS_DB").doesNotContain(SECRET);
  }

  @Test
  void aBareArgumentIsShownWithoutItsUserInfo() {
    assertThat(problems("redis://app:" + SECRET + "@h:6379", Map.of(), Map.of()))
        .startsWith("agent argument '***@h:6379' must be key=value")
        .doesNotContain(SECRET);
  }

  @Test
  void signingKeyNeverAppears() {
    assertThat(problems("signing-key=" + SECRET, Map.of(), Map.of()))
        .contains("at least 32 bytes")
        .doesNotContain(SECRET);
    assertThat(
            problems(
                "signing-key=" + "k".repeat(32) + ",signing-key.previous=" + SECRET,
                Map.of(),
                Map.of()))
        .contains("depcache.signing-key.previous must be at least 32 bytes")
        .doesNotContain(SECRET);
  }

  @Test
  void passwordsNeverAppear() {
    // each is wrong only by a combination, so the message is about its key
    String message =
        problems(
            null,
            Map.of(
                "depcache.redis.url", "redis://app:x@h:6379/0",
                "depcache.redis.password", SECRET,
                "depcache.redis.tls.truststore-password", SECRET,
                "depcache.redis.tls.keystore-password", SECRET,
                "depcache.redis.tls.truststore-type", "pem"),
            Map.of("DEPCACHE_REDIS_TLS_KEYSTORE_PASSWORD", SECRET));

    assertThat(message)
        .contains("depcache.redis.password is set too")
        .contains("depcache.redis.tls.truststore-type must be one of PKCS12, JKS")
        .doesNotContain(SECRET);
    assertThat(Problems.isSecret("depcache.manager.a.redis.tls.truststore-password")).isTrue();
    assertThat(Problems.isSecret("depcache.redis.password")).isTrue();
  }

  @Test
  void tlsAndAclSecretsStayOutOfDescribeAndToString() throws Exception {
    AgentConfig config =
        AgentConfig.load(
            null,
            Map.of(
                "depcache.redis.url",
                "rediss://h:6380/0",
                "depcache.redis.user",
                "app",
                "depcache.redis.password",
                SECRET,
                "depcache.redis.tls.truststore-password",
                SECRET,
                "depcache.redis.tls.keystore",
                "/k.p12",
                "depcache.redis.tls.keystore-password",
                SECRET,
                "depcache.signing-key",
                SECRET.repeat(4),
                "depcache.signing-key.previous",
                SECRET.repeat(5)),
            Map.of());

    assertThat(config.describe()).doesNotContain(SECRET);
    assertThat(config.toString()).doesNotContain(SECRET);
    assertThat(config.defaultManager().toString())
        .doesNotContain(SECRET)
        .contains("redisUser=app")
        .contains("redisPassword=***");
  }

  @Test
  void valuesOfUnknownKeysNeverAppear() throws Exception {
    assertThat(problems(null, Map.of("depcache.redis.pasword", SECRET), Map.of()))
        .contains("depcache.redis.pasword is not a known setting")
        .doesNotContain(SECRET);
    assertThat(
            String.join(
                "\n",
                AgentConfig.load(null, Map.of(), Map.of("DEPCACHE_REDIS_PASWORD", SECRET))
                    .warnings()))
        .contains("DEPCACHE_REDIS_PASWORD is not a known setting")
        .doesNotContain(SECRET);
  }

  @Test
  void describeIsOneLineWithoutSecrets() throws Exception {
    String signingKey = SECRET + "-long-enough-key-of-32-bytes";
    AgentConfig config =
        AgentConfig.load(
            "signing-key=" + signingKey + ",manager.reports.backend=memory",
            Map.of(
                "depcache.manager.ha.redis.sentinel.master",
                "mymaster",
                "depcache.manager.ha.redis.sentinel.nodes",
                "s1:26379,s2:26379"),
            Map.of("REDIS_HOST", "cache", "REDIS_PASSWORD", SECRET));

    String line = config.describe();

    assertThat(line)
        .doesNotContain(SECRET)
        .doesNotContain("\n")
        .startsWith("depcache enabled, config file none, managers [")
        .contains("default: redis://:***@cache:6379/0 prefix=depcache ttl=3600s")
        .contains("signed=true")
        .contains("reports: memory")
        .contains("ha: redis sentinel mymaster");
    assertThat(config.toString()).doesNotContain(SECRET);
    assertThat(config.defaultManager().toString()).doesNotContain(SECRET);
    assertThat(config.defaultManager().signingKey()).isEqualTo(signingKey);
  }

  @Test
  void describeNamesTheFileRulesAndSwitches() throws Exception {
    AgentConfig config =
        AgentConfig.load(
            "enabled=false,lease.enabled=true,target.t.method=a.B#c()",
            Map.of(),
            Map.of("DEPCACHE_INVALIDATE_REPEAT_AFTER_MS", "500"));

    assertThat(config.describe())
        .startsWith("depcache disabled")
        .contains("1 target rule(s), 0 invalidation rule(s)")
        .contains("lease on (wait 2000 ms)")
        .endsWith("invalidations repeated after 500 ms");
    assertThat(config.enabled()).isFalse();
  }
}
