package io.depcache.agent.runtime;

import java.util.Map;

class MemoryConsistencyTest extends ConsistencyBehaviourTest {
  @Override
  Map<String, String> settings() {
    return Map.of("depcache.backend", "memory", "depcache.prefix", AgentTestSupport.uniquePrefix());
  }
}
