package io.depcache.agent.runtime;

import io.depcache.agent.testing.TestRedis;
import java.util.Map;

class RedisConsistencyTest extends ConsistencyBehaviourTest {
  @Override
  Map<String, String> settings() {
    return Map.of(
        "depcache.redis.url", TestRedis.url(), "depcache.prefix", AgentTestSupport.uniquePrefix());
  }
}
