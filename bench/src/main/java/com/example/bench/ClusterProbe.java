package com.example.bench;

import io.depcache.testing.RedisCluster;
import java.io.File;
import java.util.ArrayList;
import java.util.List;

/**
 * The hit and the invalidation on a Redis Cluster: starts six local {@code redis-server} processes
 * (three primaries, three replicas, {@link RedisCluster}), then {@link ClusterHitProbe} in a JVM of
 * its own with the agent on that cluster ({@code -Ddepcache.redis.cluster.nodes}), and prints what
 * it prints. The cluster is stopped afterwards.
 *
 * <p>Arguments: {@code java agentJar [rounds [trials]]}; the class path is this JVM's.
 */
public final class ClusterProbe {
  private ClusterProbe() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println("usage: ClusterProbe java agentJar [rounds [trials]]");
      System.exit(2);
    }
    try (RedisCluster cluster = RedisCluster.start()) {
      List<String> command =
          new ArrayList<>(
              List.of(
                  args[0],
                  "-Xms512m",
                  "-Xmx512m",
                  "-javaagent:" + args[1],
                  "-Ddepcache.redis.cluster.nodes=" + cluster.nodes(),
                  "-Ddepcache.redis.timeout-ms=2000",
                  "-Ddepcache.prefix=bench-cluster",
                  "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                  "-cp",
                  System.getProperty("java.class.path"),
                  ClusterHitProbe.class.getName(),
                  cluster.nodes()));
      String childOpts = System.getProperty("bench.child.opts", "");
      if (!childOpts.isBlank()) {
        command.addAll(2, List.of(childOpts.trim().split(",")));
      }
      for (int i = 2; i < args.length; i++) {
        command.add(args[i]);
      }
      Process probe =
          new ProcessBuilder(command)
              .redirectOutput(ProcessBuilder.Redirect.INHERIT)
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .directory(new File("."))
              .start();
      int exit = probe.waitFor();
      if (exit != 0) {
        throw new IllegalStateException("ClusterHitProbe exited with " + exit);
      }
    }
  }
}
