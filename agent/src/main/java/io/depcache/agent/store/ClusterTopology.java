package io.depcache.agent.store;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import redis.clients.jedis.ConnectionPool;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisClusterClient;

/**
 * Which primary serves each slot, and how many replicas each primary has, as a node answers {@code
 * CLUSTER SLOTS}: it lists the replicas that could take over, leaving out one marked failed and one
 * that never synced (it has no data to take over with): what {@link ClusterScripts} needs to send
 * the calls of one node on one connection and to ask that connection for a replica's
 * acknowledgement ({@code WAIT}). Read on first use, again at most every {@value #MAX_AGE_MILLIS}
 * ms when used, and at once after a redirection, a connection failure or a short acknowledgement; a
 * stale answer only costs a redirection or a second look. For a moment of a failover a node may
 * name no primary for a slot (its view of the slot's owner has not settled): then every node is
 * asked, again every {@value #SETTLE_PAUSE_MILLIS} ms, until one names it or the store's timeout
 * has passed.
 */
final class ClusterTopology {
  static final int SLOTS = 16_384;

  /** How old an answer is used, at most, before it is asked again. */
  static final long MAX_AGE_MILLIS = 1_000;

  /** How long a caller waits between two rounds of asking every node for a slot's primary. */
  static final long SETTLE_PAUSE_MILLIS = 20;

  /** One answer. */
  private record Snapshot(String[] primaryOfSlot, Map<String, Integer> replicas, long takenNanos) {}

  private final RedisClusterClient client;
  private final String description;
  private final long settleMillis;
  private volatile Snapshot snapshot;
  private final ReentrantLock refreshing = new ReentrantLock();

  /**
   * @param settleMillis how long a caller waits, at most, for some node to name a primary of a slot
   *     that the first answer names none for: the store's timeout
   */
  ClusterTopology(RedisClusterClient client, String description, long settleMillis) {
    this.client = client;
    this.description = description;
    this.settleMillis = settleMillis;
  }

  /**
   * The {@code host:port} of the primary that serves a slot.
   *
   * @throws StoreException when no node answers, or no node names a primary of the slot within the
   *     store's timeout
   */
  String primaryOf(int slot) {
    String primary = current().primaryOfSlot()[slot];
    return primary != null ? primary : primaryOfNow(slot);
  }

  /**
   * The {@code host:port} of the primary that serves a slot, as a node answers now (not an answer
   * kept): for a connection that stays with that primary, a subscription.
   *
   * @throws StoreException when no node answers, or no node names a primary of the slot within the
   *     store's timeout
   */
  String primaryOfNow(int slot) {
    String primary = refresh().primaryOfSlot()[slot];
    if (primary != null) {
      return primary;
    }
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(settleMillis);
    while (true) {
      for (ConnectionPool node : List.copyOf(client.getClusterNodes().values())) {
        Snapshot answer;
        try {
          answer = snapshotOf(slotsOf(node, description));
        } catch (StoreException e) {
          continue; // a node that went away; another answers
        }
        if (answer.primaryOfSlot()[slot] != null) {
          snapshot = answer;
          return answer.primaryOfSlot()[slot];
        }
      }
      if (System.nanoTime() - deadline > 0) {
        throw new StoreException(
            "no node of "
                + description
                + " names a primary of slot "
                + slot
                + " within "
                + settleMillis
                + " ms");
      }
      try {
        Thread.sleep(SETTLE_PAUSE_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new StoreException(
            "waiting for a primary of slot " + slot + " of " + description + " interrupted", e);
      }
    }
  }

  /**
   * How many replicas a primary has that are not marked failed; 1 for a node this answer does not
   * name as a primary (a redirection's target the answer predates), so that it is asked for one.
   */
  int replicasOf(String primary) {
    return current().replicas().getOrDefault(primary, 1);
  }

  /** The pool of a node's connections, as the cluster client keeps it. */
  ConnectionPool pool(String node) {
    ConnectionPool pool = client.getClusterNodes().get(node);
    if (pool == null) {
      refreshClient(client, description);
      pool = client.getClusterNodes().get(node);
    }
    if (pool == null) {
      throw new StoreException("node " + node + " of " + description + " is unknown");
    }
    return pool;
  }

  /**
   * Has the cluster client read the slots again, its failure a {@link StoreException} as every
   * call's.
   */
  static void refreshClient(RedisClusterClient client, String description) {
    RedisCalls.run(
        description,
        "CLUSTER SLOTS",
        () -> {
          client.refreshClusterTopology();
          return null;
        });
  }

  private Snapshot current() {
    Snapshot known = snapshot;
    if (known == null) {
      return refresh();
    }
    if (System.nanoTime() - known.takenNanos() > MAX_AGE_MILLIS * 1_000_000L
        && refreshing.tryLock()) {
      // One caller asks again; the others go on with the answer they have.
      try {
        return refresh();
      } catch (StoreException e) {
        return known;
      } finally {
        refreshing.unlock();
      }
    }
    return known;
  }

  /**
   * Asks a node again, the first that answers.
   *
   * @throws StoreException when none does
   */
  Snapshot refresh() {
    Snapshot fresh = snapshotOf(slotsOfAnyNode(client.getClusterNodes().values(), description));
    snapshot = fresh;
    return fresh;
  }

  /** One node's answer to {@code CLUSTER SLOTS}, read. */
  private static Snapshot snapshotOf(List<Object> slots) {
    String[] primaryOfSlot = new String[SLOTS];
    Map<String, Integer> replicas = new HashMap<>();
    for (Object range : slots) {
      List<?> served = (List<?>) range;
      String primary = address((List<?>) served.get(2));
      int from = ((Long) served.get(0)).intValue();
      int to = ((Long) served.get(1)).intValue();
      for (int slot = from; slot <= to; slot++) {
        primaryOfSlot[slot] = primary;
      }
      replicas.put(primary, served.size() - 3);
    }
    return new Snapshot(primaryOfSlot, Map.copyOf(replicas), System.nanoTime());
  }

  /**
   * {@code CLUSTER SLOTS} as the first of {@code nodes} that answers says it.
   *
   * @throws StoreException when none answers
   */
  static List<Object> slotsOfAnyNode(Collection<ConnectionPool> nodes, String description) {
    StoreException last = new StoreException("no node of " + description + " answers");
    for (ConnectionPool asked : nodes) {
      try {
        return slotsOf(asked, description);
      } catch (StoreException e) {
        last = e;
      }
    }
    throw last;
  }

  /**
   * {@code CLUSTER SLOTS} as one node says it.
   *
   * @throws StoreException when it does not answer
   */
  private static List<Object> slotsOf(ConnectionPool node, String description) {
    return RedisCalls.run(
        description,
        "CLUSTER SLOTS",
        () -> {
          try (Jedis jedis = new Jedis(node.getResource())) {
            return jedis.clusterSlots();
          }
        });
  }

  private static String address(List<?> node) {
    return new String((byte[]) node.get(0), StandardCharsets.UTF_8) + ":" + node.get(1);
  }
}
