package io.depcache.agent.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.depcache.testing.RedisCluster;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * For a moment of a failover a node may answer {@code CLUSTER SLOTS} without a primary for a slot
 * (its view of the slot's owner has not settled; {@link ClusterFailoverInvalidationIT} met it now
 * and then). Made here on purpose and for as long as a test wants: the slot is taken from every
 * node ({@code CLUSTER DELSLOTS}, its owner first, so that no node hears the owner claim it again)
 * and given back ({@code CLUSTER ADDSLOTS}) a while later. A call for that slot waits for it, for
 * at most the store's timeout, instead of failing at once; past the timeout it fails and says which
 * slot it waited for. Its own cluster, since the test takes a slot away; no replicas (none is
 * needed, and a {@code WAIT} would only slow it).
 */
class ClusterSlotWithoutPrimaryIT {
  private static RedisCluster cluster;

  private RedisClusterStore store;
  private String dependency;
  private int slot;
  private int owner;

  @BeforeAll
  static void startCluster() {
    cluster = RedisCluster.start(0);
    for (int port : cluster.primaries()) {
      // The other slots stay served while one has no owner.
      cluster.cli(port, "CONFIG", "SET", "cluster-require-full-coverage", "no");
    }
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private void connect(int timeoutMs) {
    store =
        RedisClusterStore.connect(Arrays.asList(cluster.nodes().split(",")), timeoutMs, "s:seq");
    String ns = KeyLayout.namespace("s" + UUID.randomUUID().toString().substring(0, 8), "m");
    dependency = KeyLayout.dependencyKey(ns, "row:1");
    slot = ClusterKeys.slot(dependency);
    owner = ownerOf(slot);
    // The cluster client is built now: Jedis refuses to start on an answer with a slot unserved.
    assertThat(store.lookup(KeyLayout.entryKey(ns, "warm-up")).value()).isNull();
  }

  @AfterEach
  void giveTheSlotBack() {
    if (store != null) {
      store.close();
    }
    if (ownerOf(slot) < 0) {
      cluster.cli(owner, "CLUSTER", "ADDSLOTS", Integer.toString(slot));
    }
    awaitServed();
  }

  @Test
  void aCallForASlotWithoutAPrimaryWaitsUntilANodeNamesOne() throws Exception {
    connect(5_000);
    takeTheSlotAway();
    CompletableFuture<Void> givenBack =
        CompletableFuture.runAsync(
            () -> {
              pause(400);
              cluster.cli(owner, "CLUSTER", "ADDSLOTS", Integer.toString(slot));
            });

    long started = System.nanoTime();
    boolean registered = store.register("entry", 60_000, List.of(dependency), new long[] {0});
    long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    givenBack.get(10, TimeUnit.SECONDS);

    assertThat(registered).as("registered once the slot has a primary again").isTrue();
    assertThat(tookMillis).as("waited for the slot (ms)").isGreaterThanOrEqualTo(300);
    try (Jedis node = new Jedis("127.0.0.1", owner)) {
      assertThat(node.zscore(ClusterKeys.of(dependency), "entry".getBytes()))
          .as("the dependency's set names the entry, on the slot's primary")
          .isNotNull();
    }
  }

  @Test
  void aSlotThatNoNodeServesFailsTheCallOnceTheTimeoutHasPassed() {
    connect(500);
    takeTheSlotAway();

    long started = System.nanoTime();
    assertThatThrownBy(() -> store.register("entry", 60_000, List.of(dependency), new long[] {0}))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("names a primary of slot " + slot)
        .hasMessageContaining("within 500 ms");
    long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    assertThat(tookMillis).as("waited about the timeout (ms)").isBetween(400L, 5_000L);
  }

  /** Takes the slot from its owner, then from every other node. */
  private void takeTheSlotAway() {
    cluster.cli(owner, "CLUSTER", "DELSLOTS", Integer.toString(slot));
    for (int port : cluster.primaries()) {
      if (port != owner) {
        cluster.cli(port, "CLUSTER", "DELSLOTS", Integer.toString(slot));
      }
    }
    for (int port : cluster.primaries()) {
      assertThat(ownerOf(port, slot)).as("owner of slot " + slot + " by " + port).isNegative();
    }
  }

  /** The port of the primary that serves {@code slot} as the first primary says, -1 for none. */
  private static int ownerOf(int slot) {
    return ownerOf(cluster.primaries().get(0), slot);
  }

  private static int ownerOf(int askedPort, int slot) {
    try (Jedis asked = new Jedis("127.0.0.1", askedPort)) {
      for (Object range : asked.clusterSlots()) {
        List<?> served = (List<?>) range;
        if ((Long) served.get(0) <= slot && slot <= (Long) served.get(1)) {
          return ((Long) ((List<?>) served.get(2)).get(1)).intValue();
        }
      }
    }
    return -1;
  }

  private void awaitServed() {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    for (int port : cluster.primaries()) {
      while (ownerOf(port, slot) != owner) {
        assertThat(System.nanoTime() - deadline).as("slot served again within 10 s").isNegative();
        pause(20);
      }
    }
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
