package io.depcache.agent.runtime;

import io.depcache.testing.TestRedis;
import java.util.Map;

class RedisCachingTest extends CachingBehaviourTest {
  @Override
  Map<String, String> settings() {
    return Map.of(
        "depcache.redis.url", TestRedis.url(), "depcache.prefix", AgentTestSupport.uniquePrefix());
  }
}
