package io.depcache.agent.store;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.function.Supplier;
import redis.clients.jedis.Connection;
import redis.clients.jedis.ConnectionPool;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisClusterOperationException;
import redis.clients.jedis.params.ScanParams;

/**
 * The Jedis cluster client of a {@link RedisClusterStore}, made on first use: Jedis' cluster client
 * asks a node for the slots when it is built, which must not hold up the agent's start, and must
 * not fail the store for good when the cluster is down at that moment (the next call tries again).
 * Also what works node by node: {@link #clear} scans every primary.
 */
final class ClusterClients {
  /** Redirections (MOVED, ASK) and retries one call follows at most. */
  static final int MAX_ATTEMPTS = 5;

  private static final LuaScript UNLINK = LuaScript.load("cluster-unlink-key.lua");

  private final Set<HostAndPort> seeds;
  private final int timeoutMs;
  private final Supplier<JedisClientConfig> nodeConfig;
  private final String description;
  private final ExecutorService syncs =
      Executors.newFixedThreadPool(
          3, task -> AgentThreads.daemon(task, "depcache-cluster-pipeline"));
  private volatile RedisClusterClient client;
  private volatile ClusterTopology topology;
  private boolean closed;

  /** A cluster without TLS or credentials. */
  ClusterClients(List<String> nodes, int timeoutMs) {
    this(nodes, timeoutMs, () -> RedisClients.nodeConfig(timeoutMs).build());
  }

  /**
   * @param nodeConfig how to talk to each node (timeouts, credentials, TLS): asked for when the
   *     client is built, so that a trust store that cannot be read fails each call, as an outage
   *     does, with a message naming it
   */
  ClusterClients(List<String> nodes, int timeoutMs, Supplier<JedisClientConfig> nodeConfig) {
    this.nodeConfig = nodeConfig;
    if (nodes.isEmpty()) {
      throw new IllegalArgumentException("depcache.redis.cluster.nodes names no node");
    }
    this.seeds = new LinkedHashSet<>();
    for (String node : nodes) {
      int colon = node.lastIndexOf(':');
      if (colon <= 0 || colon == node.length() - 1) {
        throw new IllegalArgumentException("a cluster node must be host:port, got '" + node + "'");
      }
      seeds.add(
          new HostAndPort(node.substring(0, colon), Integer.parseInt(node.substring(colon + 1))));
    }
    this.timeoutMs = timeoutMs;
    this.description = "redis-cluster://" + String.join(",", nodes);
  }

  String describe() {
    return description;
  }

  /**
   * The cluster client, built now if it was not.
   *
   * @throws StoreException when no node answers
   */
  UnifiedJedis client() {
    RedisClusterClient ready = client;
    if (ready != null) {
      return ready;
    }
    synchronized (this) {
      if (closed) {
        throw new StoreException("the store of " + description + " is closed");
      }
      if (client == null) {
        RedisClusterClient built = RedisCalls.run(description, "connect", this::build);
        topology = new ClusterTopology(built, description, timeoutMs);
        client = built;
      }
      return client;
    }
  }

  /**
   * A connection of the pool of the primary that serves {@code slot} now (as a node answers {@code
   * CLUSTER SLOTS} at this call), for a subscription that holds it; closing it gives it back.
   *
   * @throws StoreException when no node answers
   */
  Connection connectionToSlot(int slot) {
    client();
    ClusterTopology known = topology;
    // asked now: the client's own map of slots may still name the primary the slot left
    return RedisCalls.run(
        description, "connect", () -> known.pool(known.primaryOfNow(slot)).getResource());
  }

  private RedisClusterClient build() {
    ConnectionPoolConfig pool = new ConnectionPoolConfig();
    pool.setMaxTotal(32);
    pool.setMaxIdle(32);
    pool.setMinIdle(0);
    pool.setBlockWhenExhausted(true);
    pool.setMaxWait(Duration.ofMillis(timeoutMs));
    try {
      return newClient(pool);
    } catch (JedisClusterOperationException e) {
      // "Could not initialize cluster slots cache" says nothing: the first node's own failure,
      // which Jedis keeps as suppressed, says why (a certificate, a refused login)
      for (Throwable first : e.getSuppressed()) {
        if (first instanceof RuntimeException failure) {
          throw failure;
        }
      }
      throw e;
    }
  }

  private RedisClusterClient newClient(ConnectionPoolConfig pool) {
    return RedisClusterClient.builder()
        .nodes(seeds)
        .clientConfig(nodeConfig.get())
        .poolConfig(pool)
        .maxAttempts(MAX_ATTEMPTS)
        // Redirections while slots move are quick; a failover is not, and a call waits for it
        // no longer than a few timeouts: the resilient store above bypasses and retries.
        .maxTotalRetriesDuration(Duration.ofMillis(3L * timeoutMs))
        .build();
  }

  /**
   * Removes every key of a namespace from every primary: SCAN on each, and each key unlinked
   * through the cluster client (keys of one page are in many slots).
   *
   * @return how many entries were removed
   */
  long clear(String namespace, String entryPrefix) {
    ClusterScripts scripts = scripts();
    byte[] entries = RedisClusterStore.bytes(entryPrefix);
    long[] removed = {0};
    scan(
        ClusterKeys.scanPattern(namespace),
        keys -> {
          List<ClusterScripts.Call> unlinks = new ArrayList<>(keys.size());
          for (byte[] key : keys) {
            unlinks.add(new ClusterScripts.Call(List.of(key), List.of()));
          }
          List<Object> replies = scripts.runEach(UNLINK, unlinks);
          for (int i = 0; i < keys.size(); i++) {
            // an entry's fence or lease starts like the entry, and is no entry: no user text
            // holds a \0 (KeyLayout)
            if (ClusterKeys.startsWith(keys.get(i), entries) && !internal(keys.get(i))) {
              removed[0] += (Long) replies.get(i);
            }
          }
        });
    return removed[0];
  }

  /**
   * Hands every key that matches {@code pattern} on every primary to {@code page}, a page of one
   * node at a time ({@code SCAN} on each; a key is in one slot, so on one primary).
   *
   * @param pattern a {@code SCAN MATCH} pattern, e.g. from {@link ClusterKeys#scanPattern}
   * @param page takes each non-empty page
   * @throws StoreException when a node does not answer
   */
  void scan(byte[] pattern, Consumer<List<byte[]>> page) {
    for (ConnectionPool node : primaries()) {
      try (Jedis jedis =
          RedisCalls.run(description, "connect", () -> new Jedis(node.getResource()))) {
        ScanParams params = new ScanParams().count(RedisClusterStore.BATCH).match(pattern);
        RedisCalls.scanPages(description, cursor -> jedis.scan(cursor, params), page);
      }
    }
  }

  private static boolean internal(byte[] key) {
    for (byte b : key) {
      if (b == 0) {
        return true;
      }
    }
    return false;
  }

  /**
   * The pools of the nodes that serve slots now, as a node answers {@code CLUSTER SLOTS}.
   *
   * @throws StoreException when no node answers, or a primary is not known to the client
   */
  private List<ConnectionPool> primaries() {
    RedisClusterClient cluster = (RedisClusterClient) client();
    Map<String, ConnectionPool> nodes = cluster.getClusterNodes();
    List<Object> slots = ClusterTopology.slotsOfAnyNode(nodes.values(), description);
    Set<String> addresses = new LinkedHashSet<>();
    for (Object range : slots) {
      List<?> served = (List<?>) range;
      List<?> primary = (List<?>) served.get(2);
      String host = new String((byte[]) primary.get(0), StandardCharsets.UTF_8);
      addresses.add(host + ":" + primary.get(1));
    }
    List<ConnectionPool> primaries = new ArrayList<>();
    for (String address : addresses) {
      ConnectionPool pool = nodes.get(address);
      if (pool == null) {
        ClusterTopology.refreshClient(cluster, description);
        pool = cluster.getClusterNodes().get(address);
      }
      if (pool == null) {
        throw new StoreException("primary " + address + " of " + description + " is unknown");
      }
      primaries.add(pool);
    }
    return primaries;
  }

  /** Scripts run on many keys at once, through the cluster client. */
  ClusterScripts scripts() {
    UnifiedJedis cluster = client();
    return new ClusterScripts(cluster, syncs, description, topology, timeoutMs);
  }

  synchronized void close() {
    closed = true;
    syncs.shutdownNow();
    if (client != null) {
      client.close();
      client = null;
    }
  }
}
