package io.depcache.agent.it;

import io.depcache.testing.TestCluster;
import java.util.List;

/**
 * The randomized stale-read checker with the agents' cache on a Redis Cluster of six local nodes
 * (depcache.redis.cluster.nodes); the rows stay on a standalone Redis, the applications' database.
 */
class ClusterStaleReadCheckerIT extends StaleReadCheckerIT {
  @Override
  List<String> store(String rowsRedis) {
    return List.of("-Ddepcache.redis.cluster.nodes=" + TestCluster.get().nodes());
  }
}
