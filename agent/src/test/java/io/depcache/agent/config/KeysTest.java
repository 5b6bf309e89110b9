package io.depcache.agent.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.depcache.agent.config.Keys.Parsed;
import io.depcache.agent.config.Keys.Scope;
import org.junit.jupiter.api.Test;

class KeysTest {
  @Test
  void recognisesGlobalAndScopedKeys() {
    assertThat(Keys.parse("depcache.ttl")).isEqualTo(new Parsed(Scope.GLOBAL, null, "ttl"));
    assertThat(Keys.parse("depcache.manager.reports.redis.timeout-ms"))
        .isEqualTo(new Parsed(Scope.MANAGER, "reports", "redis.timeout-ms"));
    assertThat(Keys.parse("depcache.manager.eu.west.near-cache.enabled"))
        .isEqualTo(new Parsed(Scope.MANAGER, "eu.west", "near-cache.enabled"));
    assertThat(Keys.parse("depcache.target.get-user.cache-nulls"))
        .isEqualTo(new Parsed(Scope.TARGET, "get-user", "cache-nulls"));
    assertThat(Keys.parse("depcache.invalidate.save.dependencies"))
        .isEqualTo(new Parsed(Scope.INVALIDATE, "save", "dependencies"));
  }

  @Test
  void repeatAfterMsIsAGlobalKeyNotAnInvalidationRule() {
    assertThat(Keys.parse("depcache.invalidate.repeat-after-ms"))
        .isEqualTo(new Parsed(Scope.GLOBAL, null, "invalidate.repeat-after-ms"));
    assertThat(Keys.fromEnvironment("DEPCACHE_INVALIDATE_REPEAT_AFTER_MS"))
        .isEqualTo("depcache.invalidate.repeat-after-ms");
  }

  @Test
  void rejectsUnknownAndGlobalOnlyKeysUnderAManager() {
    assertThat(Keys.parse("depcache.tll")).isNull();
    assertThat(Keys.parse("ttl")).isNull();
    assertThat(Keys.parse("depcache.manager.reports.enabled")).isNull();
    assertThat(Keys.parse("depcache.manager.reports.config")).isNull();
    assertThat(Keys.parse("depcache.manager.ttl")).isNull();
    assertThat(Keys.parse("depcache.target.x.serializer")).isNull();
    assertThat(Keys.parse("depcache.invalidate.x.ttl")).isNull();
  }

  @Test
  void mapsEnvironmentNamesOntoKeys() {
    assertThat(Keys.fromEnvironment("DEPCACHE_TTL")).isEqualTo("depcache.ttl");
    assertThat(Keys.fromEnvironment("DEPCACHE_REDIS_TIMEOUT_MS"))
        .isEqualTo("depcache.redis.timeout-ms");
    assertThat(Keys.fromEnvironment("DEPCACHE_MANAGER_REPORTS_TTL"))
        .isEqualTo("depcache.manager.reports.ttl");
    assertThat(Keys.fromEnvironment("DEPCACHE_MANAGER_MY_REPORTS_SERIALIZER_ALLOW"))
        .isEqualTo("depcache.manager.my_reports.serializer.allow");
    assertThat(Keys.fromEnvironment("DEPCACHE_TARGET_GETUSER_CACHE_NULLS"))
        .isEqualTo("depcache.target.getuser.cache-nulls");
    assertThat(Keys.fromEnvironment("DEPCACHE_TLL")).isNull();
    assertThat(Keys.fromEnvironment("DEPCACHE_MANAGER_TTL")).isNull();
  }

  @Test
  void suggestsTheNearestKeyInTheSpellingUsed() {
    assertThat(Keys.suggest("depcache.tll", false)).isEqualTo("depcache.ttl");
    assertThat(Keys.suggest("tll", false)).isEqualTo("depcache.ttl");
    assertThat(Keys.suggest("depcache.redis.timeout", false))
        .isEqualTo("depcache.redis.timeout-ms");
    assertThat(Keys.suggest("depcache.redis.timeout_ms", false))
        .isEqualTo("depcache.redis.timeout-ms");
    assertThat(Keys.suggest("depcache.manager.reports.tll", false))
        .isEqualTo("depcache.manager.reports.ttl");
    assertThat(Keys.suggest("depcache.target.a.dependencys", false))
        .isEqualTo("depcache.target.a.dependencies");
    assertThat(Keys.suggest("DEPCACHE_PERFIX", true)).isEqualTo("DEPCACHE_PREFIX");
    assertThat(Keys.suggest("DEPCACHE_MANAGER_REPORTS_TLL", true))
        .isEqualTo("DEPCACHE_MANAGER_REPORTS_TTL");
  }

  @Test
  void suggestsNothingWhenNothingIsClose() {
    assertThat(Keys.suggest("depcache.colour", false)).isNull();
    assertThat(Keys.suggest("DEPCACHE_SOMETHING_ELSE_ENTIRELY", true)).isNull();
  }
}
