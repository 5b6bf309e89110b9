package io.depcache.agent.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentConfigSourcesTest {
  @TempDir Path dir;

  private String file(String text) throws Exception {
    Path path = dir.resolve("depcache.properties");
    Files.writeString(path, text);
    return path.toString();
  }

  @Test
  void emptySourcesGiveTheDefaults() throws Exception {
    AgentConfig config = AgentConfig.load(null, Map.of(), Map.of());

    assertThat(config.enabled()).isTrue();
    assertThat(config.configFile()).isNull();
    assertThat(config.defaultManager())
        .isEqualTo(
            new ManagerConfig(
                "default",
                "redis",
                "redis://localhost:6379/0",
                200,
                "depcache",
                3600,
                "java",
                List.of(),
                null,
                false,
                false,
                List.of(),
                null,
                List.of(),
                ManagerConfig.defaultSpoolDir(),
                8 * 1024 * 1024,
                null,
                null,
                TlsSettings.DEFAULT,
                null,
                10_000,
                60,
                false));
    assertThat(config.configuredManagerNames()).isEmpty();
    assertThat(config.targets()).isEmpty();
    assertThat(config.invalidations()).isEmpty();
    assertThat(config.singleFlightWaitMs()).isEqualTo(10_000);
    assertThat(config.leaseEnabled()).isFalse();
    assertThat(config.leaseWaitMs()).isEqualTo(2_000);
    assertThat(config.invalidateRepeatAfterMs()).isZero();
  }

  @Test
  void eachLayerOverridesTheOnesBelow() throws Exception {
    // ttl is set in all five layers, prefix in the lower four, and so on down to serializer
    String path =
        file(
            "depcache.ttl=1\ndepcache.prefix=file\ndepcache.redis.timeout-ms=1\n"
                + "depcache.on-error=fail\ndepcache.serializer=KRYO\n");
    Map<String, String> env =
        Map.of(
            "DEPCACHE_TTL", "2",
            "DEPCACHE_PREFIX", "env",
            "DEPCACHE_REDIS_TIMEOUT_MS", "2",
            "DEPCACHE_ON_ERROR", "bypass",
            "DEP_CACHE_PREFIX", "original");
    Map<String, String> sys =
        Map.of("depcache.ttl", "3", "depcache.prefix", "sys", "depcache.redis.timeout-ms", "3");
    String args = "config=" + path + ",ttl=4,depcache.prefix=args";

    AgentConfig config = AgentConfig.load(args, sys, env);

    ManagerConfig m = config.defaultManager();
    assertThat(m.ttlSeconds()).isEqualTo(4);
    assertThat(m.prefix()).isEqualTo("args");
    assertThat(m.timeoutMs()).isEqualTo(3);
    assertThat(m.failOnError()).isFalse();
    assertThat(m.serializer()).isEqualTo("kryo");
    assertThat(m.redisUrl()).isEqualTo("redis://localhost:6379/0");
    assertThat(config.configFile()).isEqualTo(path);
  }

  @Test
  void theOriginalsVariablesRankBelowDepcacheOnesAndAboveTheFile() throws Exception {
    String path = file("depcache.prefix=file\ndepcache.enabled=true\n");
    Map<String, String> env =
        Map.of("DEPCACHE_CONFIG", path, "DEP_CACHE_PREFIX", "original", "DEP_CACHE_ENABLED", "no");

    AgentConfig config = AgentConfig.load("", Map.of(), env);

    assertThat(config.defaultManager().prefix()).isEqualTo("original");
    assertThat(config.enabled()).isFalse();
    assertThat(config.configFile()).isEqualTo(path);
  }

  @Test
  void depCacheEnabledFalseDisablesTheAgent() throws Exception {
    assertThat(AgentConfig.load(null, Map.of(), Map.of("DEP_CACHE_ENABLED", "false")).enabled())
        .isFalse();
    assertThat(AgentConfig.load(null, Map.of(), Map.of("DEP_CACHE_ENABLED", "1")).enabled())
        .isTrue();
  }

  @Test
  void redisHostPortPasswordAndDbComposeTheUrl() throws Exception {
    Map<String, String> env =
        Map.of(
            "REDIS_HOST", "cache.internal",
            "REDIS_PORT", "6380",
            "REDIS_PASSWORD", "p@ss:w/rd",
            "REDIS_DB", "3");

    ManagerConfig m = AgentConfig.load(null, Map.of(), env).defaultManager();

    assertThat(m.redisUrl()).isEqualTo("redis://:p%40ss%3Aw%2Frd@cache.internal:6380/3");
    assertThat(java.net.URI.create(m.redisUrl()).getUserInfo()).isEqualTo(":p@ss:w/rd");
    assertThat(m.redactedRedisUrl()).isEqualTo("redis://:***@cache.internal:6380/3");
  }

  @Test
  void redisPortAloneKeepsTheOtherDefaults() throws Exception {
    ManagerConfig m =
        AgentConfig.load(null, Map.of(), Map.of("REDIS_PORT", "7000")).defaultManager();

    assertThat(m.redisUrl()).isEqualTo("redis://localhost:7000/0");
  }

  @Test
  void redisUrlWinsOverItsParts() throws Exception {
    Map<String, String> env = Map.of("REDIS_URL", "rediss://h:1/2", "REDIS_HOST", "other");

    assertThat(AgentConfig.load(null, Map.of(), env).defaultManager().redisUrl())
        .isEqualTo("rediss://h:1/2");
  }

  @Test
  void depcacheRedisUrlWinsOverTheOriginals() throws Exception {
    Map<String, String> env =
        Map.of("DEPCACHE_REDIS_URL", "redis://a:1/0", "REDIS_URL", "redis://b:2/0");

    assertThat(AgentConfig.load(null, Map.of(), env).defaultManager().redisUrl())
        .isEqualTo("redis://a:1/0");
  }

  @Test
  void emptyEnvironmentVariablesCountAsUnset() throws Exception {
    Map<String, String> env = Map.of("DEPCACHE_TTL", "", "REDIS_PASSWORD", " ");

    ManagerConfig m = AgentConfig.load(null, Map.of(), env).defaultManager();

    assertThat(m.ttlSeconds()).isEqualTo(3600);
    assertThat(m.redisUrl()).isEqualTo("redis://localhost:6379/0");
  }

  @Test
  void managerKeysOverrideTheGlobalOnesForThatManagerOnly() throws Exception {
    String path =
        file(
            "depcache.ttl=100\ndepcache.prefix=app\n"
                + "depcache.manager.reports.ttl=5\n"
                + "depcache.manager.reports.redis.url=redis://reports:6379/1\n"
                + "depcache.manager.default.near-cache.enabled=true\n"
                + "depcache.near-cache.max-entries=500\n"
                + "depcache.manager.reports.near-cache.ttl=9\n"
                + "depcache.manager.reports.near-cache.copy=true\n");
    Map<String, String> env = Map.of("DEPCACHE_MANAGER_REPORTS_TTL", "7");

    AgentConfig config = AgentConfig.load("config=" + path, Map.of(), env);

    assertThat(config.configuredManagerNames()).containsExactly("default", "reports");
    ManagerConfig reports = config.manager("reports");
    assertThat(reports.name()).isEqualTo("reports");
    assertThat(reports.ttlSeconds()).isEqualTo(7);
    assertThat(reports.redisUrl()).isEqualTo("redis://reports:6379/1");
    assertThat(reports.prefix()).isEqualTo("app");
    assertThat(reports.nearCache()).isFalse();
    ManagerConfig defaults = config.defaultManager();
    assertThat(defaults.ttlSeconds()).isEqualTo(100);
    assertThat(defaults.nearCache()).isTrue();
    assertThat(defaults.nearCacheMaxEntries()).isEqualTo(500);
    assertThat(defaults.nearCacheTtlSeconds()).isEqualTo(60);
    assertThat(reports.nearCacheMaxEntries()).isEqualTo(500);
    assertThat(reports.nearCacheTtlSeconds()).isEqualTo(9);
    assertThat(reports.nearCacheCopy()).isTrue();
    assertThat(defaults.nearCacheCopy()).isFalse();
    assertThat(config.manager("")).isEqualTo(defaults);
    assertThat(config.manager(null)).isEqualTo(defaults);
    ManagerConfig other = config.manager("audit");
    assertThat(other.name()).isEqualTo("audit");
    assertThat(other.ttlSeconds()).isEqualTo(100);
    assertThat(other.prefix()).isEqualTo("app");
  }

  @Test
  void environmentNamesMatchKeysWithDashesAndScopes() throws Exception {
    Map<String, String> env =
        Map.of(
            "DEPCACHE_REDIS_TIMEOUT_MS", "750",
            "DEPCACHE_SINGLE_FLIGHT_WAIT_MS", "5",
            "DEPCACHE_INVALIDATE_REPEAT_AFTER_MS", "250",
            "DEPCACHE_LEASE_ENABLED", "TRUE",
            "DEPCACHE_MANAGER_REPORTS_SERIALIZER_ALLOW", "com.example.**",
            "DEPCACHE_TARGET_PROFILE_METHOD", "com.example.UserService#getProfile(..)");

    AgentConfig config = AgentConfig.load(null, Map.of(), env);

    assertThat(config.defaultManager().timeoutMs()).isEqualTo(750);
    assertThat(config.singleFlightWaitMs()).isEqualTo(5);
    assertThat(config.invalidateRepeatAfterMs()).isEqualTo(250);
    assertThat(config.invalidations()).isEmpty();
    assertThat(config.leaseEnabled()).isTrue();
    assertThat(config.manager("reports").serializerAllow()).containsExactly("com.example.**");
    assertThat(config.targets()).extracting(TargetRule::id).containsExactly("profile");
  }

  @Test
  void agentArgumentsTakeKeysWithOrWithoutPrefixAndEscapedCommas() throws Exception {
    String args =
        "backend=memory, depcache.serializer.allow=com.a.*\\,com.b.**,"
            + "manager.reports.redis.cluster.nodes=h1:7000\\,h2:7001,,";

    AgentConfig config = AgentConfig.load(args, Map.of(), Map.of());

    assertThat(config.defaultManager().backend()).isEqualTo("memory");
    assertThat(config.defaultManager().serializerAllow()).containsExactly("com.a.*", "com.b.**");
    assertThat(config.manager("reports").clusterNodes()).containsExactly("h1:7000", "h2:7001");
  }

  @Test
  void onlyDepcacheSystemPropertiesAndVariablesAreRead() throws Exception {
    Map<String, String> sys = Map.of("ttl", "x", "java.version", "17", "depcache.ttl", "9");
    Map<String, String> env = Map.of("TTL", "x", "PATH", "/bin");

    assertThat(AgentConfig.load(null, sys, env).defaultManager().ttlSeconds()).isEqualTo(9);
  }

  @Test
  void reservedConcurrencyKeysAreRead() throws Exception {
    Map<String, String> sys =
        Map.of(
            "depcache.single-flight.wait-ms", "0",
            "depcache.lease.enabled", "true",
            "depcache.lease.wait-ms", "150");

    AgentConfig config = AgentConfig.load(null, sys, Map.of());

    assertThat(config.singleFlightWaitMs()).isZero();
    assertThat(config.leaseEnabled()).isTrue();
    assertThat(config.leaseWaitMs()).isEqualTo(150);
  }

  @Test
  void withinTheFileTheLastEntryWins() throws Exception {
    String path = file("depcache.ttl=1\ndepcache.ttl=2\n");

    assertThat(AgentConfig.load("config=" + path, Map.of(), Map.of()).defaultManager().ttlSeconds())
        .isEqualTo(2);
  }
}
