package io.depcache.agent.it;

import java.util.List;

/**
 * The two-JVM stale-read checker with the near cache on in both JVMs: reads served from a JVM's
 * memory must not see a version that an invalidation, returned on either JVM, removed.
 */
class NearStaleReadCheckerIT extends StaleReadCheckerIT {
  @Override
  List<String> store(String rowsRedis) {
    return List.of("-Ddepcache.redis.url=" + rowsRedis, "-Ddepcache.near-cache.enabled=true");
  }
}
