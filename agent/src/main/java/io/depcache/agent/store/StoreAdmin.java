package io.depcache.agent.store;

import io.depcache.agent.config.ManagerConfig;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * What an operator reads from a Redis store beside its entries: the members of a dependency set
 * ({@code dependents}) and the counters that running agents publish ({@code stats}), and their
 * publishing. Its own small client, so that publishing never takes a connection from the call
 * path's pool; like every Redis client of depcache it connects lazily and waits at most the
 * timeout.
 */
public final class StoreAdmin implements AutoCloseable {
  private static final int SCAN_COUNT = 500;

  private final UnifiedJedis client;
  private final String redactedUrl;

  private StoreAdmin(UnifiedJedis client, String redactedUrl) {
    this.client = client;
    this.redactedUrl = redactedUrl;
  }

  /**
   * Opens the admin client of a manager's Redis.
   *
   * @return the client, or {@code null} for the memory backend, which has nothing to share
   * @throws StoreException when the URL is not a valid Redis URL, or the store is a Redis Cluster
   */
  public static StoreAdmin open(ManagerConfig settings) {
    if (settings.inMemory()) {
      return null;
    }
    if (!settings.clusterNodes().isEmpty()) {
      // dependents and fleet stats read and write keys of their own, not yet spread over slots
      throw new StoreException(
          "listing dependents and publishing fleet stats are not supported on a Redis Cluster by"
              + " this version");
    }
    if (settings.sentinelMaster() != null) {
      return new StoreAdmin(
          RedisClients.sentinel(settings, provider -> {}),
          "sentinel '" + settings.sentinelMaster() + "'");
    }
    return new StoreAdmin(RedisClients.standalone(settings), settings.redactedRedisUrl());
  }

  /**
   * The members of a dependency set, at most {@code limit}, in the order they joined.
   *
   * @param dependencyKey the set's store key
   * @return how many there are, and the first {@code limit} of them (complete entry keys)
   */
  public Members members(String dependencyKey, int limit) {
    byte[] key = bytes(dependencyKey);
    String type = call("TYPE", () -> client.type(key));
    List<String> keys = new ArrayList<>();
    long total;
    if (type.equals("zset")) {
      total = call("ZCARD", () -> client.zcard(key));
      if (limit > 0) {
        for (byte[] member : call("ZRANGE", () -> client.zrange(key, 0, limit - 1))) {
          keys.add(text(member));
        }
      }
    } else if (type.equals("set")) {
      // a plain set, from an agent before the sorted sets
      total = call("SCARD", () -> client.scard(key));
      ScanParams params = new ScanParams().count(SCAN_COUNT);
      byte[] cursor = ScanParams.SCAN_POINTER_START_BINARY;
      do {
        byte[] at = cursor;
        ScanResult<byte[]> page = call("SSCAN", () -> client.sscan(key, at, params));
        for (byte[] member : page.getResult()) {
          if (keys.size() < limit) {
            keys.add(text(member));
          }
        }
        cursor = page.getCursorAsBytes();
      } while (keys.size() < limit && !isStart(cursor));
    } else {
      total = 0;
    }
    return new Members(total, keys);
  }

  /**
   * How many members a dependency set has and the first of them.
   *
   * @param total how many entries depend on it
   * @param entryKeys the first of them, complete entry keys
   */
  public record Members(long total, List<String> entryKeys) {}

  /**
   * Publishes one JVM's counters under its key, replacing what it published before.
   *
   * @param key from {@link KeyLayout#statsKey}
   * @param fields field to value
   * @param ttlMillis how long they last unless published again
   */
  public void publish(String key, Map<String, String> fields, long ttlMillis) {
    byte[] k = bytes(key);
    Map<byte[], byte[]> hash = new LinkedHashMap<>();
    fields.forEach((name, value) -> hash.put(bytes(name), bytes(value)));
    call(
        "publish",
        () -> {
          var transaction = client.multi();
          transaction.del(k);
          transaction.hset(k, hash);
          transaction.pexpire(k, ttlMillis);
          return transaction.exec();
        });
  }

  /** Removes what a JVM published: it stopped. */
  public void unpublish(String key) {
    call("DEL", () -> client.del(bytes(key)));
  }

  /**
   * Everything that live JVMs published under a prefix.
   *
   * @param keysOf from {@link KeyLayout#statsKeysOf}
   * @return per key, its fields, in key order
   */
  public Map<String, Map<String, String>> published(String keysOf) {
    Map<String, Map<String, String>> all = new TreeMap<>();
    ScanParams params = new ScanParams().match(bytes(KeyLayout.scanPattern(keysOf))).count(500);
    byte[] cursor = ScanParams.SCAN_POINTER_START_BINARY;
    do {
      byte[] at = cursor;
      ScanResult<byte[]> page = call("SCAN", () -> client.scan(at, params));
      for (byte[] key : page.getResult()) {
        Map<byte[], byte[]> hash = call("HGETALL", () -> client.hgetAll(key));
        if (hash.isEmpty()) {
          continue; // expired in between
        }
        Map<String, String> fields = new TreeMap<>();
        hash.forEach((name, value) -> fields.put(text(name), text(value)));
        all.put(text(key), fields);
      }
      cursor = page.getCursorAsBytes();
    } while (!isStart(cursor));
    return all;
  }

  /** One round trip, to tell whether Redis answers. */
  public void ping() {
    call("PING", client::ping);
  }

  /** For messages: the URL without its password. */
  public String describe() {
    return redactedUrl;
  }

  @Override
  public void close() {
    client.close();
  }

  private <T> T call(String operation, Supplier<T> action) {
    return RedisCalls.run(redactedUrl, operation, action);
  }

  private static boolean isStart(byte[] cursor) {
    return cursor.length == 1 && cursor[0] == '0';
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
