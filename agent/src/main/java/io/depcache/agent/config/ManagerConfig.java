package io.depcache.agent.config;

import java.nio.file.Path;
import java.util.List;

/**
 * The settings of one manager: the defaults, overridden by {@code depcache.manager.<name>.*}.
 *
 * @param name the manager's name ({@code default} for the default one)
 * @param backend {@code redis} or {@code memory}
 * @param redisUrl {@code depcache.redis.url}; may hold a password, so never log it, use {@link
 *     #redactedRedisUrl()}
 * @param timeoutMs connect and socket timeout
 * @param prefix namespace of every key
 * @param ttlSeconds default ttl; {@code 0}: never expires
 * @param serializer {@code java} or {@code kryo}
 * @param serializerAllow extra allowed class patterns for deserialization
 * @param signingKey HMAC key, or {@code null}
 * @param failOnError {@code depcache.on-error=fail}
 * @param nearCache {@code depcache.near-cache.enabled}
 * @param clusterNodes {@code host:port} of Redis Cluster nodes; empty when not a cluster
 * @param sentinelMaster the Sentinel master name, or {@code null}
 * @param sentinelNodes {@code host:port} of the Sentinels; empty when not Sentinel
 * @param spoolDir {@code depcache.spool-dir}: where invalidations that wait for the store are
 *     written down, so that they outlive the JVM
 * @param maxEntryBytes {@code depcache.max-entry-bytes}: the largest encoded entry written or read
 * @param redisUser {@code depcache.redis.user}, or {@code null}: the ACL user when the URL names
 *     none
 * @param redisPassword {@code depcache.redis.password}, or {@code null}; never log it
 * @param tls {@code depcache.redis.tls.*}, used when the URL is {@code rediss://}
 * @param signingKeyPrevious {@code depcache.signing-key.previous}: still accepted for reading, or
 *     {@code null}
 * @param nearCacheMaxEntries {@code depcache.near-cache.max-entries}: the bound of the near cache
 * @param nearCacheTtlSeconds {@code depcache.near-cache.ttl}: longest time an entry stays near
 * @param nearCacheCopy {@code depcache.near-cache.copy}: a near hit returns a fresh copy decoded
 *     from the stored bytes; {@code false}: the instance decoded once, shared by every near hit
 */
public record ManagerConfig(
    String name,
    String backend,
    String redisUrl,
    int timeoutMs,
    String prefix,
    long ttlSeconds,
    String serializer,
    List<String> serializerAllow,
    String signingKey,
    boolean failOnError,
    boolean nearCache,
    List<String> clusterNodes,
    String sentinelMaster,
    List<String> sentinelNodes,
    String spoolDir,
    int maxEntryBytes,
    String redisUser,
    String redisPassword,
    TlsSettings tls,
    String signingKeyPrevious,
    int nearCacheMaxEntries,
    long nearCacheTtlSeconds,
    boolean nearCacheCopy) {

  /** The default of {@code depcache.near-cache.max-entries}. */
  public static final int DEFAULT_NEAR_CACHE_MAX_ENTRIES = 10_000;

  /** The default of {@code depcache.near-cache.ttl}, in seconds. */
  public static final long DEFAULT_NEAR_CACHE_TTL_SECONDS = 60;

  /** The default of {@code depcache.max-entry-bytes}: 8 MiB. */
  public static final int DEFAULT_MAX_ENTRY_BYTES = 8 * 1024 * 1024;

  /**
   * The default of {@code depcache.spool-dir}: {@code depcache-spool} in the JVM's temporary
   * directory.
   */
  public static String defaultSpoolDir() {
    return Path.of(System.getProperty("java.io.tmpdir"), "depcache-spool").toString();
  }

  /** The backend names {@code depcache.backend} accepts. */
  public static final String REDIS = "redis";

  public static final String MEMORY = "memory";

  /** Whether the manager keeps its entries in this JVM ({@code depcache.backend=memory}). */
  public boolean inMemory() {
    return MEMORY.equals(backend);
  }

  /**
   * The Redis URL with any password replaced by {@code ***}, for logs and messages.
   *
   * @return the redacted URL
   */
  public String redactedRedisUrl() {
    return Redaction.redactUrl(redisUrl);
  }

  /**
   * The bytes of {@code depcache.signing-key}: after {@code base64:} decoded, otherwise the UTF-8
   * bytes of the text.
   *
   * @return the key's bytes, or {@code null} without a signing key
   */
  public byte[] signingKeyBytes() {
    return Values.keyBytes(signingKey);
  }

  /**
   * The bytes of {@code depcache.signing-key.previous}, as {@link #signingKeyBytes()}.
   *
   * @return the previous key's bytes, or {@code null} without one
   */
  public byte[] signingKeyPreviousBytes() {
    return Values.keyBytes(signingKeyPrevious);
  }

  /** Whether the Redis connection is TLS ({@code rediss://}). */
  public boolean usesTls() {
    return redisUrl != null && redisUrl.regionMatches(true, 0, "rediss://", 0, 9);
  }

  @Override
  public String toString() {
    return "ManagerConfig[name="
        + name
        + ", backend="
        + backend
        + ", redisUrl="
        + redactedRedisUrl()
        + ", timeoutMs="
        + timeoutMs
        + ", prefix="
        + prefix
        + ", ttlSeconds="
        + ttlSeconds
        + ", serializer="
        + serializer
        + ", failOnError="
        + failOnError
        + ", redisUser="
        + redisUser
        + ", redisPassword="
        + (redisPassword == null ? "none" : "***")
        + ", tls="
        + tls
        + ", signed="
        + (signingKey != null)
        + "]";
  }
}
