package io.depcache.agent.runtime;

import io.depcache.testing.TestCluster;
import java.util.Map;

/** Caching through the agent on a Redis Cluster of six local nodes. */
class ClusterCachingIT extends CachingBehaviourTest {
  @Override
  Map<String, String> settings() {
    return Map.of(
        "depcache.redis.cluster.nodes",
        TestCluster.get().nodes(),
        "depcache.prefix",
        AgentTestSupport.uniquePrefix());
  }
}
