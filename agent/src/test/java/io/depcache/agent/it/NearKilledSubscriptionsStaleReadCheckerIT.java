package io.depcache.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.RedisClient;

/**
 * The two-JVM stale-read checker with the near cache on in both JVMs while {@code CLIENT KILL TYPE
 * pubsub} cuts every subscription every 200 ms: messages published while a JVM subscribes again are
 * lost to it, so it must stop serving near hits at once and resume with an empty near cache.
 */
class NearKilledSubscriptionsStaleReadCheckerIT extends NearStaleReadCheckerIT {
  private static final long PERIOD_MILLIS = 200;

  @Override
  AutoCloseable fault(String redis, List<AppProcess> apps) {
    RedisClient admin = RedisClient.create(redis);
    long[] killed = new long[1];
    Faults.Repeated kills =
        new Faults.Repeated(
            "kill-pubsub",
            PERIOD_MILLIS,
            PERIOD_MILLIS,
            () ->
                killed[0] +=
                    (Long) admin.sendCommand(Protocol.Command.CLIENT, "KILL", "TYPE", "pubsub"));
    return () -> {
      try {
        kills.close();
      } finally {
        admin.close();
      }
      System.out.println(
          "[StaleReadChecker] CLIENT KILL TYPE pubsub ran "
              + kills.done()
              + " times and killed "
              + killed[0]
              + " subscriptions");
      // both JVMs lost their subscription again and again during the run
      assertThat(kills.done()).isGreaterThanOrEqualTo(20);
      assertThat(killed[0]).isGreaterThanOrEqualTo(2L * 10);
    };
  }
}
