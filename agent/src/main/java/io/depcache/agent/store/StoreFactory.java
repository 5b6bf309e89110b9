package io.depcache.agent.store;

import io.depcache.agent.config.ManagerConfig;
import java.nio.file.Path;

/**
 * The one place that knows which store serves a manager's settings. Managers whose settings give
 * the same {@link #identity} share one store, and so one connection pool and one script cache,
 * which lets a cross-manager dependency be written in one step.
 */
public final class StoreFactory {
  private StoreFactory() {}

  /**
   * What makes two managers share a store.
   *
   * @param settings a manager's settings
   * @return equal for managers that must share their store
   */
  public static String identity(ManagerConfig settings) {
    if (settings.inMemory()) {
      return ManagerConfig.MEMORY;
    }
    if (!settings.clusterNodes().isEmpty()) {
      return "cluster:" + String.join(",", settings.clusterNodes()) + "#" + settings.timeoutMs();
    }
    return String.join(
        "#",
        settings.redisUrl(),
        Integer.toString(settings.timeoutMs()),
        String.valueOf(settings.redisUser()),
        String.valueOf(settings.redisPassword()),
        String.valueOf(settings.tls().truststore()),
        String.valueOf(settings.tls().truststorePassword()),
        String.valueOf(settings.tls().keystore()),
        String.valueOf(settings.tls().keystorePassword()),
        settings.tls().truststoreType(),
        settings.tls().keystoreType(),
        Boolean.toString(settings.tls().verifyHostname()),
        String.valueOf(settings.sentinelMaster()),
        String.join(",", settings.sentinelNodes()));
  }

  /**
   * Opens the store of a manager's settings: Redis Cluster when it names cluster nodes, else the
   * standalone Redis of its URL, or the memory store. A Redis store is wrapped in the fault
   * handling of {@link ResilientStore}; on an overflow of pending invalidations it clears the whole
   * prefix, the safe fallback.
   *
   * @param settings a manager's settings
   * @return the store; nothing connects before its first use
   */
  public static CacheStore open(ManagerConfig settings) {
    return open(settings, true);
  }

  /**
   * Opens the store of a manager's settings, with or without the fault handling of {@link
   * ResilientStore}.
   *
   * @param resilient {@code false} for an operator's command: a failure reaches it at once, and
   *     nothing is retried behind it or written to the spool
   * @return the store; nothing connects before its first use
   */
  public static CacheStore open(ManagerConfig settings, boolean resilient) {
    if (settings.inMemory()) {
      return new MemoryStore();
    }
    String sequenceKey = KeyLayout.sequenceKey(settings.prefix());
    if (!settings.clusterNodes().isEmpty()) {
      RedisClusterStore cluster =
          RedisClusterStore.connect(settings.clusterNodes(), settings.timeoutMs(), sequenceKey);
      return resilient
          ? new ResilientStore(
              cluster,
              KeyLayout.keysOf(settings.prefix()),
              Path.of(settings.spoolDir()),
              cluster.describe() + " " + settings.prefix())
          : cluster;
    }
    CacheStore redis = RedisStore.connect(settings, sequenceKey);
    if (!resilient) {
      return redis;
    }
    return new ResilientStore(
        redis,
        KeyLayout.keysOf(settings.prefix()),
        Path.of(settings.spoolDir()),
        // names the spool files: no password in them
        (settings.sentinelMaster() != null
                ? "sentinel " + settings.sentinelMaster() + " " + settings.sentinelNodes()
                : settings.redactedRedisUrl())
            + " "
            + settings.prefix());
  }
}
