package io.depcache.agent.store;

import io.depcache.agent.config.Redaction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Supplier;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * A {@link CacheStore} on one standalone Redis server, with the key layout of {@link KeyLayout}.
 *
 * <p>Entries are plain strings ({@code SET ... PX ttl}); a dependency set is a Redis set of
 * complete entry keys. {@link #put} is one Lua script ({@code put.lua}), so an entry is never
 * visible without its registrations. {@link #invalidate} and {@link #clear} work in batches of
 * {@value #BATCH} keys so that no single command blocks Redis, whatever the number of dependents.
 *
 * <p>The connection is lazy: {@link #connect} succeeds while Redis is down, and every call waits at
 * most about the configured timeout (connect, socket read and pool wait all use it).
 */
public final class RedisStore implements CacheStore {
  static final int BATCH = 500;

  private static final LuaScript PUT = LuaScript.load("put.lua");

  private final UnifiedJedis client;
  private final String redactedUrl;

  /**
   * Temporary sets renamed away by an invalidation that then failed: their members are still
   * cached, so the next invalidation finishes them first.
   */
  private final Queue<byte[]> unfinishedSets = new ConcurrentLinkedQueue<>();

  RedisStore(UnifiedJedis client, String redactedUrl) {
    this.client = client;
    this.redactedUrl = redactedUrl;
  }

  /**
   * Creates a store for a Redis URL without connecting yet.
   *
   * @param url {@code redis://[user:password@]host:port[/db]}, or {@code rediss://} for TLS
   * @param timeoutMs the connect, read and pool-wait timeout of every call, in milliseconds
   * @return the store
   * @throws StoreException when the URL is not a valid Redis URL
   */
  public static RedisStore connect(String url, int timeoutMs) {
    String redacted = Redaction.redactUrl(url);
    try {
      ConnectionPoolConfig pool = new ConnectionPoolConfig();
      pool.setMaxTotal(64);
      pool.setMaxIdle(16);
      pool.setMinIdle(0);
      pool.setBlockWhenExhausted(true);
      pool.setMaxWait(Duration.ofMillis(timeoutMs));
      DefaultJedisClientConfig clientConfig =
          DefaultJedisClientConfig.builder()
              .connectionTimeoutMillis(timeoutMs)
              .socketTimeoutMillis(timeoutMs)
              .clientName("depcache")
              .build();
      // clientConfig before fromURI: fromURI merges the URL's credentials, db and TLS into it.
      RedisClient client =
          RedisClient.builder().clientConfig(clientConfig).fromURI(url).poolConfig(pool).build();
      return new RedisStore(client, redacted);
    } catch (RuntimeException e) {
      // A URL parser may quote the whole URL, password included: then keep neither its message
      // nor the cause, which a stack trace would print.
      String detail = String.valueOf(e.getMessage());
      int scheme = url.indexOf("://");
      int at = url.lastIndexOf('@');
      if (scheme >= 0 && at > scheme + 3 && detail.contains(url.substring(scheme + 3, at))) {
        throw new StoreException(
            "connect to " + redacted + " failed: " + e.getClass().getSimpleName());
      }
      throw new StoreException("connect to " + redacted + " failed: " + detail, e);
    }
  }

  @Override
  public byte[] get(String entryKey) {
    return call("GET", () -> client.get(bytes(entryKey)));
  }

  @Override
  public boolean exists(String entryKey) {
    return call("EXISTS", () -> client.exists(bytes(entryKey)));
  }

  @Override
  public void put(
      String entryKey, byte[] value, long ttlMillis, Collection<String> dependencyKeys) {
    if (ttlMillis < 0) {
      throw new IllegalArgumentException("ttlMillis must be >= 0, got " + ttlMillis);
    }
    List<byte[]> keys = new ArrayList<>(dependencyKeys.size() + 1);
    keys.add(bytes(entryKey));
    for (String dependencyKey : dependencyKeys) {
      keys.add(bytes(dependencyKey));
    }
    List<byte[]> args = List.of(value, bytes(Long.toString(ttlMillis)));
    call("put script", () -> PUT.run(client, keys, args));
  }

  @Override
  public long delete(Collection<String> entryKeys) {
    if (entryKeys.isEmpty()) {
      return 0;
    }
    byte[][] keys = entryKeys.stream().map(RedisStore::bytes).toArray(byte[][]::new);
    return call("UNLINK", () -> client.unlink(keys));
  }

  @Override
  public long invalidate(Collection<String> dependencyKeys) {
    long removed = 0;
    for (byte[] unfinished; (unfinished = unfinishedSets.peek()) != null; ) {
      removed += drain(unfinished);
      unfinishedSets.remove(unfinished);
    }
    for (String dependencyKey : dependencyKeys) {
      // Renamed first: registrations that arrive meanwhile go to a fresh set, so this loop ends.
      byte[] temporary = bytes(dependencyKey + "\u0000invalidating:" + UUID.randomUUID());
      boolean renamed = call("RENAME", () -> rename(bytes(dependencyKey), temporary));
      if (!renamed) {
        continue;
      }
      try {
        removed += drain(temporary);
      } catch (StoreException e) {
        unfinishedSets.add(temporary);
        throw e;
      }
    }
    return removed;
  }

  private boolean rename(byte[] from, byte[] to) {
    try {
      client.rename(from, to);
      return true;
    } catch (JedisDataException e) {
      if (e.getMessage() != null && e.getMessage().contains("no such key")) {
        return false;
      }
      throw e;
    }
  }

  /** Deletes the members of a set that no one else writes to any more, then the set. */
  private long drain(byte[] set) {
    ScanParams params = new ScanParams().count(BATCH);
    byte[] cursor = ScanParams.SCAN_POINTER_START_BINARY;
    long removed = 0;
    do {
      byte[] from = cursor;
      ScanResult<byte[]> page = call("SSCAN", () -> sscanOrEmpty(set, from, params));
      List<byte[]> members = page.getResult();
      if (!members.isEmpty()) {
        byte[][] keys = members.toArray(new byte[0][]);
        removed += call("UNLINK", () -> client.unlink(keys));
      }
      cursor = page.getCursorAsBytes();
    } while (!isStart(cursor));
    call("UNLINK", () -> client.unlink(set));
    return removed;
  }

  private ScanResult<byte[]> sscanOrEmpty(byte[] set, byte[] cursor, ScanParams params) {
    try {
      return client.sscan(set, cursor, params);
    } catch (JedisDataException e) {
      // Not a set, so not ours: there is nothing to invalidate in it.
      if (e.getMessage() != null && e.getMessage().startsWith("WRONGTYPE")) {
        return new ScanResult<>(ScanParams.SCAN_POINTER_START_BINARY, List.of());
      }
      throw e;
    }
  }

  @Override
  public long clear(String namespace) {
    ScanParams params = new ScanParams().count(BATCH).match(bytes(globEscape(namespace) + "*"));
    String entryPrefix = namespace + "e:";
    byte[] cursor = ScanParams.SCAN_POINTER_START_BINARY;
    long removedEntries = 0;
    do {
      byte[] from = cursor;
      ScanResult<byte[]> page = call("SCAN", () -> client.scan(from, params));
      List<byte[]> entries = new ArrayList<>();
      List<byte[]> others = new ArrayList<>();
      for (byte[] key : page.getResult()) {
        (new String(key, StandardCharsets.UTF_8).startsWith(entryPrefix) ? entries : others)
            .add(key);
      }
      if (!entries.isEmpty()) {
        removedEntries += call("UNLINK", () -> client.unlink(entries.toArray(new byte[0][])));
      }
      if (!others.isEmpty()) {
        call("UNLINK", () -> client.unlink(others.toArray(new byte[0][])));
      }
      cursor = page.getCursorAsBytes();
    } while (!isStart(cursor));
    return removedEntries;
  }

  @Override
  public long ttlMillis(String entryKey) {
    return call("PTTL", () -> client.pttl(bytes(entryKey)));
  }

  @Override
  public String describe() {
    return redactedUrl;
  }

  @Override
  public void close() {
    client.close();
  }

  /** Runs one Redis call, turning every client failure into a {@link StoreException}. */
  private <T> T call(String operation, Supplier<T> action) {
    try {
      return action.get();
    } catch (StoreException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new StoreException(
          "Redis " + operation + " on " + redactedUrl + " failed: " + e.getMessage(), e);
    }
  }

  /** Escapes the characters that SCAN MATCH treats as a pattern. */
  static String globEscape(String literal) {
    StringBuilder escaped = new StringBuilder(literal.length() + 8);
    for (int i = 0; i < literal.length(); i++) {
      char c = literal.charAt(i);
      if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') {
        escaped.append('\\');
      }
      escaped.append(c);
    }
    return escaped.toString();
  }

  private static boolean isStart(byte[] cursor) {
    return cursor.length == 1 && cursor[0] == '0';
  }

  private static byte[] bytes(String key) {
    return key.getBytes(StandardCharsets.UTF_8);
  }
}
