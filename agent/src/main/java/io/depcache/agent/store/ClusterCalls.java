package io.depcache.agent.store;

import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * One call to Redis Cluster under depcache's rules ({@link RedisCalls}), made again while a node
 * answers {@code TRYAGAIN} (a script's keys are in a slot being moved, some on each side; Jedis
 * follows MOVED and ASK itself, not this) or {@code CLUSTERDOWN} (around a failover a node may say
 * the cluster is down for some milliseconds, as its view of the slots' owners settles). Both last
 * only moments, so the call waits a few milliseconds at a time, for at most {@value
 * #MAX_WAIT_MILLIS} ms in all.
 */
final class ClusterCalls {
  static final long MAX_WAIT_MILLIS = 1_000;

  private ClusterCalls() {}

  static <T> T run(String description, String operation, Supplier<T> action) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(MAX_WAIT_MILLIS);
    while (true) {
      try {
        return RedisCalls.run(description, operation, action);
      } catch (StoreException e) {
        if (!(e.getCause() instanceof JedisDataException data)
            || !passing(String.valueOf(data.getMessage()))
            || System.nanoTime() - deadline > 0) {
          throw e;
        }
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new StoreException("Redis " + operation + " on " + description + " interrupted", e);
      }
    }
  }

  private static boolean passing(String message) {
    return message.startsWith("TRYAGAIN") || message.startsWith("CLUSTERDOWN");
  }
}
