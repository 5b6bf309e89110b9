package io.depcache.agent.runtime;

import io.depcache.testing.TestRedis;
import java.util.Map;

/** Every caching behaviour, against Redis, with {@code depcache.serializer=kryo}. */
class RedisKryoCachingTest extends CachingBehaviourTest {
  @Override
  Map<String, String> settings() {
    return Map.of(
        "depcache.redis.url",
        TestRedis.url(),
        "depcache.prefix",
        AgentTestSupport.uniquePrefix(),
        "depcache.serializer",
        "kryo");
  }
}
