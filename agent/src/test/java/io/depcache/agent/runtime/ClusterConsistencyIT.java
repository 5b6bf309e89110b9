package io.depcache.agent.runtime;

import io.depcache.testing.TestCluster;
import java.util.Map;

/**
 * The interleavings of DESIGN.md "Correctness" on a Redis Cluster of six local nodes
 * (depcache.redis.cluster.nodes), through the agent as an application uses it.
 */
class ClusterConsistencyIT extends ConsistencyBehaviourTest {
  @Override
  Map<String, String> settings() {
    return Map.of(
        "depcache.redis.cluster.nodes",
        TestCluster.get().nodes(),
        "depcache.prefix",
        AgentTestSupport.uniquePrefix());
  }
}
