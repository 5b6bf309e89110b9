package io.depcache.agent.runtime;

import java.util.Map;

class MemoryCachingTest extends CachingBehaviourTest {
  @Override
  Map<String, String> settings() {
    return Map.of("depcache.backend", "memory", "depcache.prefix", AgentTestSupport.uniquePrefix());
  }
}
