package io.depcache.testing;

/**
 * The Redis Cluster that tests share, started once per JVM on first use ({@link RedisCluster}: six
 * local nodes, three primaries and their replicas) and killed when the JVM exits. Never a skip:
 * when the cluster cannot be made, {@link #get()} throws and the test fails.
 *
 * <p>Tests share it: give every test its own key prefix rather than flushing.
 */
public final class TestCluster {
  private static RedisCluster cluster;

  private TestCluster() {}

  /**
   * The shared cluster, started on first use.
   *
   * @return the running cluster
   */
  public static synchronized RedisCluster get() {
    if (cluster == null) {
      cluster = RedisCluster.start();
      System.out.println("[TestCluster] using a local Redis Cluster at " + cluster.nodes());
    }
    return cluster;
  }
}
