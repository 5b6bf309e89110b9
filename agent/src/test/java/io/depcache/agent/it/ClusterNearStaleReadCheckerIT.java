package io.depcache.agent.it;

import io.depcache.testing.TestCluster;
import java.util.List;

/**
 * The two-JVM stale-read checker with the agents' cache on a Redis Cluster of six local nodes and
 * the near cache on in both JVMs: reads served from a JVM's memory must not see a version that an
 * invalidation, returned on either JVM, removed; the rows stay on a standalone Redis.
 */
class ClusterNearStaleReadCheckerIT extends StaleReadCheckerIT {
  @Override
  List<String> store(String rowsRedis) {
    return List.of(
        "-Ddepcache.redis.cluster.nodes=" + TestCluster.get().nodes(),
        "-Ddepcache.near-cache.enabled=true");
  }
}
