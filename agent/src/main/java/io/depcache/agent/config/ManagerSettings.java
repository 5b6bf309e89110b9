package io.depcache.agent.config;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The mutable settings of one manager while the configuration is assembled: defaults, then the
 * global keys, then {@code depcache.manager.<name>.*} on a copy.
 */
final class ManagerSettings {
  static final String DEFAULT_NAME = "default";

  private String backend = ManagerConfig.REDIS;
  private String redisUrl = "redis://localhost:6379/0";
  private int timeoutMs = 200;
  private String prefix = "depcache";
  private long ttlSeconds = 3600;
  private String serializer = "java";
  private List<String> serializerAllow = List.of();
  private String signingKey;
  private boolean failOnError;
  private boolean nearCache;
  private List<String> clusterNodes = List.of();
  private String sentinelMaster;
  private List<String> sentinelNodes = List.of();
  private String spoolDir = ManagerConfig.defaultSpoolDir();
  private int maxEntryBytes = ManagerConfig.DEFAULT_MAX_ENTRY_BYTES;

  /** The setting each field came from, for messages about combinations. */
  private final Map<String, Setting> sources = new HashMap<>();

  ManagerSettings copy() {
    ManagerSettings c = new ManagerSettings();
    c.backend = backend;
    c.redisUrl = redisUrl;
    c.timeoutMs = timeoutMs;
    c.prefix = prefix;
    c.ttlSeconds = ttlSeconds;
    c.serializer = serializer;
    c.serializerAllow = serializerAllow;
    c.signingKey = signingKey;
    c.failOnError = failOnError;
    c.nearCache = nearCache;
    c.clusterNodes = clusterNodes;
    c.sentinelMaster = sentinelMaster;
    c.sentinelNodes = sentinelNodes;
    c.spoolDir = spoolDir;
    c.maxEntryBytes = maxEntryBytes;
    c.sources.putAll(sources);
    return c;
  }

  /**
   * Checks one value and applies it when valid.
   *
   * @param setting the key without prefix or manager name, one of {@link Keys#MANAGER_SETTINGS}
   */
  void apply(String setting, Setting s, Problems problems) {
    int before = problems.size();
    switch (setting) {
      case "backend" ->
          set(
              Values.oneOf(s, problems, ManagerConfig.REDIS, ManagerConfig.MEMORY),
              v -> backend = v);
      case "redis.url" -> set(Values.redisUrl(s, problems), v -> redisUrl = v);
      case "redis.cluster.nodes" -> set(Values.hostPorts(s, problems), v -> clusterNodes = v);
      case "redis.sentinel.nodes" -> set(Values.hostPorts(s, problems), v -> sentinelNodes = v);
      case "redis.sentinel.master" ->
          set(Values.nonEmpty(s, "a non-empty master name", problems), v -> sentinelMaster = v);
      case "redis.timeout-ms" ->
          set(
              Values.whole(s, 1, 600_000, "a whole number of milliseconds 1-600000", problems),
              v -> timeoutMs = v.intValue());
      case "prefix" -> set(Values.prefix(s, problems), v -> prefix = v);
      case "ttl" ->
          set(
              Values.whole(s, 0, Long.MAX_VALUE, "a whole number of seconds >= 0", problems),
              v -> ttlSeconds = v);
      case "serializer" -> set(Values.serializer(s, problems), v -> serializer = v);
      case "serializer.allow" -> set(Values.classPatterns(s, problems), v -> serializerAllow = v);
      case "signing-key" -> set(Values.signingKey(s, problems), v -> signingKey = v);
      case "on-error" ->
          set(Values.oneOf(s, problems, "bypass", "fail"), v -> failOnError = v.equals("fail"));
      case "near-cache.enabled" -> set(Values.bool(s, problems), v -> nearCache = v);
      case "spool-dir" ->
          set(Values.nonEmpty(s, "the path of a directory", problems), v -> spoolDir = v);
      case "max-entry-bytes" ->
          set(
              Values.whole(
                  s,
                  1024,
                  Integer.MAX_VALUE - 64,
                  "a whole number of bytes 1024-2147483583",
                  problems),
              v -> maxEntryBytes = v.intValue());
      default -> throw new IllegalArgumentException("not a manager setting: " + setting);
    }
    if (problems.size() == before) {
      sources.put(setting, s);
    }
  }

  /**
   * Reports settings that are each valid but do not go together.
   *
   * @param label names the manager in messages: {@code depcache} or {@code depcache.manager.x}
   */
  void checkCombinations(String label, Problems problems) {
    Setting master = sources.get("redis.sentinel.master");
    Setting nodes = sources.get("redis.sentinel.nodes");
    boolean hasNodes = !sentinelNodes.isEmpty();
    if (master != null && !hasNodes) {
      problems.add(
          label
              + ".redis.sentinel.nodes must be set too when redis.sentinel.master is set ("
              + master.source()
              + ")");
    } else if (master == null && hasNodes) {
      problems.add(
          label
              + ".redis.sentinel.master must be set too when redis.sentinel.nodes is set ("
              + nodes.source()
              + ")");
    }
    if (hasNodes && !clusterNodes.isEmpty()) {
      problems.add(
          label
              + ".redis.cluster.nodes and "
              + label
              + ".redis.sentinel.nodes must not both be set ("
              + sources.get("redis.cluster.nodes").source()
              + "; "
              + nodes.source()
              + ")");
    }
  }

  ManagerConfig build(String name) {
    return new ManagerConfig(
        name,
        backend,
        redisUrl,
        timeoutMs,
        prefix,
        ttlSeconds,
        serializer,
        serializerAllow,
        signingKey,
        failOnError,
        nearCache,
        clusterNodes,
        sentinelMaster,
        sentinelNodes,
        spoolDir,
        maxEntryBytes);
  }

  private static <T> void set(T value, Consumer<T> field) {
    if (value != null) {
      field.accept(value);
    }
  }
}
