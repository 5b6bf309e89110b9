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
  private String redisUser;
  private String redisPassword;
  private String truststore;
  private String truststorePassword;
  private String truststoreType = TlsSettings.PKCS12;
  private String keystore;
  private String keystorePassword;
  private String keystoreType = TlsSettings.PKCS12;
  private boolean verifyHostname = true;
  private String signingKeyPrevious;
  private int nearCacheMaxEntries = ManagerConfig.DEFAULT_NEAR_CACHE_MAX_ENTRIES;
  private long nearCacheTtlSeconds = ManagerConfig.DEFAULT_NEAR_CACHE_TTL_SECONDS;
  private boolean nearCacheCopy;

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
    c.redisUser = redisUser;
    c.redisPassword = redisPassword;
    c.truststore = truststore;
    c.truststorePassword = truststorePassword;
    c.truststoreType = truststoreType;
    c.keystore = keystore;
    c.keystorePassword = keystorePassword;
    c.keystoreType = keystoreType;
    c.verifyHostname = verifyHostname;
    c.signingKeyPrevious = signingKeyPrevious;
    c.nearCacheMaxEntries = nearCacheMaxEntries;
    c.nearCacheTtlSeconds = nearCacheTtlSeconds;
    c.nearCacheCopy = nearCacheCopy;
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
      case "signing-key.previous" ->
          set(Values.signingKey(s, problems), v -> signingKeyPrevious = v);
      case "redis.user" ->
          set(Values.nonEmpty(s, "a non-empty ACL user name", problems), v -> redisUser = v);
      case "redis.password" ->
          set(Values.nonEmpty(s, "a non-empty password", problems), v -> redisPassword = v);
      case "redis.tls.truststore" ->
          set(Values.nonEmpty(s, "the path of a trust store file", problems), v -> truststore = v);
      case "redis.tls.truststore-password" -> truststorePassword = s.value();
      case "redis.tls.truststore-type" ->
          set(
              Values.oneOf(s, problems, TlsSettings.PKCS12, TlsSettings.JKS),
              v -> truststoreType = v);
      case "redis.tls.keystore" ->
          set(Values.nonEmpty(s, "the path of a key store file", problems), v -> keystore = v);
      case "redis.tls.keystore-password" -> keystorePassword = s.value();
      case "redis.tls.keystore-type" ->
          set(
              Values.oneOf(s, problems, TlsSettings.PKCS12, TlsSettings.JKS),
              v -> keystoreType = v);
      case "redis.tls.verify-hostname" -> set(Values.bool(s, problems), v -> verifyHostname = v);
      case "on-error" ->
          set(Values.oneOf(s, problems, "bypass", "fail"), v -> failOnError = v.equals("fail"));
      case "near-cache.enabled" -> set(Values.bool(s, problems), v -> nearCache = v);
      case "near-cache.max-entries" ->
          set(
              Values.whole(s, 1, Integer.MAX_VALUE, "a whole number of entries >= 1", problems),
              v -> nearCacheMaxEntries = v.intValue());
      case "near-cache.ttl" ->
          set(
              Values.whole(s, 1, Integer.MAX_VALUE, "a whole number of seconds >= 1", problems),
              v -> nearCacheTtlSeconds = v);
      case "near-cache.copy" -> set(Values.bool(s, problems), v -> nearCacheCopy = v);
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
    checkCredentials(label, problems);
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

  /** The keys whose combinations {@link #checkCombinations} checks. */
  static boolean isCombined(String setting) {
    return setting.startsWith("redis.sentinel.")
        || setting.equals("redis.cluster.nodes")
        || setting.equals("redis.url")
        || setting.equals("redis.user")
        || setting.equals("redis.password")
        || setting.startsWith("redis.tls.")
        || setting.startsWith("signing-key");
  }

  private void checkCredentials(String label, Problems problems) {
    Setting url = sources.get("redis.url");
    String userInfo = url == null ? null : userInfo(redisUrl);
    if (userInfo != null && (redisUser != null || redisPassword != null)) {
      Setting own = sources.getOrDefault("redis.password", sources.get("redis.user"));
      problems.add(
          label
              + ".redis.url names a user or password, and "
              + own.key()
              + " is set too: give the credentials in one place ("
              + url.source()
              + "; "
              + own.source()
              + ")");
    }
    if (redisUser != null && redisPassword == null) {
      problems.add(
          label
              + ".redis.password must be set too when redis.user is set ("
              + sources.get("redis.user").source()
              + ")");
    }
    if (!redisUrl.regionMatches(true, 0, "rediss://", 0, 9)) {
      for (String key : sources.keySet()) {
        if (key.startsWith("redis.tls.")) {
          problems.warn(
              sources.get(key).key()
                  + " is set but "
                  + label
                  + ".redis.url is not rediss://, so the connection is not TLS and the setting is"
                  + " unused ("
                  + sources.get(key).source()
                  + ")");
        }
      }
    }
    if (signingKeyPrevious != null && signingKey == null) {
      problems.add(
          label
              + ".signing-key must be set too when signing-key.previous is set ("
              + sources.get("signing-key.previous").source()
              + ")");
    }
  }

  /** The user info of a URL ({@code user:password}), or {@code null} when it has none. */
  private static String userInfo(String url) {
    int scheme = url.indexOf("://");
    int at = url.lastIndexOf('@');
    return scheme >= 0 && at > scheme + 3 ? url.substring(scheme + 3, at) : null;
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
        maxEntryBytes,
        redisUser,
        redisPassword,
        new TlsSettings(
            truststore,
            truststorePassword,
            truststoreType,
            keystore,
            keystorePassword,
            keystoreType,
            verifyHostname),
        signingKeyPrevious,
        nearCacheMaxEntries,
        nearCacheTtlSeconds,
        nearCacheCopy);
  }

  private static <T> void set(T value, Consumer<T> field) {
    if (value != null) {
      field.accept(value);
    }
  }
}
