package io.depcache.agent.store;

import io.depcache.agent.config.ManagerConfig;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Supplier;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * What an operator reads from a Redis store beside its entries: the members of a dependency set
 * ({@code dependents}) and the counters that running agents publish ({@code stats}), and their
 * publishing. A client of its own (on a cluster, a cluster client of its own), so that publishing
 * never takes a connection from the call path's pool; like every Redis client of depcache it
 * connects lazily and waits at most the timeout. On a Redis Cluster every name is the cluster's
 * ({@link ClusterKeys}): a dependency set is read on its slot's primary, and the published counters
 * are found by a {@code SCAN} of every primary.
 */
public final class StoreAdmin implements AutoCloseable {
  private static final int SCAN_COUNT = 500;

  /** Replaces what one JVM published, in one step on the key's node. */
  private static final LuaScript PUBLISH = LuaScript.load("stats-publish.lua");

  private final Topology topology;
  private final String description;

  private StoreAdmin(Topology topology, String description) {
    this.topology = topology;
    this.description = description;
  }

  /**
   * Opens the admin client of a manager's Redis.
   *
   * @return the client, or {@code null} for the memory backend, which has nothing to share
   * @throws StoreException when the URL is not a valid Redis URL, or the cluster's nodes are not
   *     {@code host:port}
   */
  public static StoreAdmin open(ManagerConfig settings) {
    if (settings.inMemory()) {
      return null;
    }
    if (!settings.clusterNodes().isEmpty()) {
      ClusterClients clients;
      try {
        clients =
            new ClusterClients(
                settings.clusterNodes(),
                settings.timeoutMs(),
                () -> RedisClients.clusterNodeConfig(settings));
      } catch (IllegalArgumentException e) {
        throw new StoreException(e.getMessage(), e);
      }
      return new StoreAdmin(new Cluster(clients), clients.describe());
    }
    if (settings.sentinelMaster() != null) {
      String sentinel = "sentinel '" + settings.sentinelMaster() + "'";
      return new StoreAdmin(
          new Standalone(RedisClients.sentinel(settings, provider -> {}), sentinel), sentinel);
    }
    String url = settings.redactedRedisUrl();
    return new StoreAdmin(new Standalone(RedisClients.standalone(settings), url), url);
  }

  /**
   * The members of a dependency set, at most {@code limit}, in the order they joined.
   *
   * @param dependencyKey the set's store key
   * @return how many there are, and the first {@code limit} of them (complete entry keys)
   */
  public Members members(String dependencyKey, int limit) {
    byte[] key = topology.name(dependencyKey);
    UnifiedJedis client = topology.client();
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
    List<byte[]> args = new ArrayList<>(1 + 2 * fields.size());
    args.add(bytes(Long.toString(ttlMillis)));
    fields.forEach(
        (name, value) -> {
          args.add(bytes(name));
          args.add(bytes(value));
        });
    List<byte[]> keys = List.of(topology.name(key));
    call("publish script", () -> PUBLISH.run(topology.client(), keys, args));
  }

  /** Removes what a JVM published: it stopped. */
  public void unpublish(String key) {
    byte[] name = topology.name(key);
    call("DEL", () -> topology.client().del(name));
  }

  /**
   * Everything that live JVMs published under a prefix.
   *
   * @param keysOf from {@link KeyLayout#statsKeysOf}
   * @return per key (as {@link KeyLayout#statsKey} made it), its fields, in key order
   */
  public Map<String, Map<String, String>> published(String keysOf) {
    Map<String, Map<String, String>> all = new TreeMap<>();
    UnifiedJedis client = topology.client();
    topology.scan(
        keysOf,
        page -> {
          for (byte[] key : page) {
            Map<byte[], byte[]> hash = call("HGETALL", () -> client.hgetAll(key));
            if (hash.isEmpty()) {
              continue; // expired in between
            }
            Map<String, String> fields = new TreeMap<>();
            hash.forEach((name, value) -> fields.put(text(name), text(value)));
            all.put(topology.plainName(key), fields);
          }
        });
    return all;
  }

  /** One round trip, to tell whether Redis answers. */
  public void ping() {
    call("PING", () -> topology.client().ping());
  }

  /** For messages: the URL without its password, or the cluster's nodes. */
  public String describe() {
    return description;
  }

  @Override
  public void close() {
    topology.close();
  }

  private <T> T call(String operation, Supplier<T> action) {
    return RedisCalls.run(description, operation, action);
  }

  /** What differs between one server (or a Sentinel's primary) and a cluster. */
  private interface Topology {
    /** The client that routes a call by its key. */
    UnifiedJedis client();

    /** The Redis name of a key of {@link KeyLayout}. */
    byte[] name(String key);

    /** The key of {@link KeyLayout} that a Redis name found by {@link #scan} stands for. */
    String plainName(byte[] name);

    /** Hands every Redis name of a key that starts with {@code start} to {@code page}. */
    void scan(String start, Consumer<List<byte[]>> page);

    void close();
  }

  private record Standalone(UnifiedJedis client, String description) implements Topology {
    @Override
    public byte[] name(String key) {
      return bytes(key);
    }

    @Override
    public String plainName(byte[] name) {
      return text(name);
    }

    @Override
    public void scan(String start, Consumer<List<byte[]>> page) {
      ScanParams params =
          new ScanParams().match(bytes(KeyLayout.scanPattern(start))).count(SCAN_COUNT);
      RedisCalls.scanPages(description, cursor -> client.scan(cursor, params), page);
    }

    @Override
    public void close() {
      client.close();
    }
  }

  private record Cluster(ClusterClients clients) implements Topology {
    @Override
    public UnifiedJedis client() {
      return clients.client();
    }

    @Override
    public byte[] name(String key) {
      return ClusterKeys.of(key);
    }

    @Override
    public String plainName(byte[] name) {
      return new String(
          name,
          ClusterKeys.TAG_LENGTH,
          name.length - ClusterKeys.TAG_LENGTH,
          StandardCharsets.UTF_8);
    }

    @Override
    public void scan(String start, Consumer<List<byte[]>> page) {
      clients.scan(ClusterKeys.scanPattern(start), page);
    }

    @Override
    public void close() {
      clients.close();
    }
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
