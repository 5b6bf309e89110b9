package io.depcache.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.fixtures.Calls;
import io.depcache.DepCache;
import io.depcache.agent.near.NearCacheStore;
import io.depcache.testing.TestRedis;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every caching behaviour with the near cache on, and a near hit inside another cached call handing
 * its dependencies to the enclosing entry, as a Redis hit does.
 */
class RedisNearCachingTest extends CachingBehaviourTest {
  @Override
  Map<String, String> settings() {
    return Map.of(
        "depcache.redis.url",
        TestRedis.url(),
        "depcache.prefix",
        AgentTestSupport.uniquePrefix(),
        "depcache.near-cache.enabled",
        "true");
  }

  private NearCacheStore near() throws InterruptedException {
    NearCacheStore near = (NearCacheStore) installation.managers().core("default").store;
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (!near.serving() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(near.serving()).as("near hits served").isTrue();
    return near;
  }

  @Test
  void anInnerNearHitHandsItsDependenciesToTheEnclosingCall() throws Exception {
    NearCacheStore near = near();
    users.user(7); // written, so kept near
    long before = near.nearHits();
    users.user(7);
    assertThat(near.nearHits()).isEqualTo(before + 1);
    assertThat(Calls.count("user")).isEqualTo(1);

    long beforeOuter = near.nearHits();
    dashboard.dashboard(5); // teamMembers hits user(7) near, inside its own computation
    assertThat(near.nearHits()).isGreaterThan(beforeOuter);
    assertThat(Calls.count("user")).isEqualTo(3); // user(5) and user(105) missed

    // the outer entries (teamMembers, dashboard) depend on user:7 through the near hit
    assertThat(DepCache.manager().invalidateDependency("user:7")).isEqualTo(3);
    dashboard.dashboard(5);
    assertThat(Calls.count("dashboard")).isEqualTo(2);
    assertThat(Calls.count("teamMembers")).isEqualTo(2);
  }

  @Test
  void aDashboardServedNearIsGoneOnceItsInvalidationReturns() throws Exception {
    NearCacheStore near = near();
    dashboard.dashboard(6);
    long before = near.nearHits();
    dashboard.dashboard(6);
    assertThat(near.nearHits()).isEqualTo(before + 1);
    assertThat(Calls.count("dashboard")).isEqualTo(1);

    DepCache.manager().invalidateDependency("user:6");
    dashboard.dashboard(6);
    assertThat(Calls.count("dashboard")).isEqualTo(2);
  }
}
