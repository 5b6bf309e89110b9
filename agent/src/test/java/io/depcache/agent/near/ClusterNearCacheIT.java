package io.depcache.agent.near;

import static io.depcache.agent.near.TextEntries.awaitWithin;
import static io.depcache.agent.near.TextEntries.value;
import static org.assertj.core.api.Assertions.assertThat;

import io.depcache.agent.config.AgentConfig;
import io.depcache.agent.config.ManagerConfig;
import io.depcache.agent.store.KeyLayout;
import io.depcache.agent.store.StoreFactory;
import io.depcache.testing.RedisCluster;
import io.depcache.testing.TestCluster;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * The near cache in front of a Redis Cluster (the six local nodes of {@link TestCluster}): two near
 * caches, each with its own store as two JVMs have, keep each other coherent for entries and
 * dependencies spread over every primary; and when the slot of the protocol's keys changes primary
 * ({@code CLUSTER FAILOVER} of its replica, or the slot moved to another primary), both stop
 * serving from their old subscription, subscribe where the slot is now, serve near hits again and
 * keep each other coherent there. Entries are text {@code value|dep,dep}, which the test's reader
 * splits.
 */
class ClusterNearCacheIT {
  private String prefix;
  private String ns;
  private TextEntries texts;
  private NearCacheStore a;
  private NearCacheStore b;

  @BeforeEach
  void start() throws Exception {
    prefix = "cn" + UUID.randomUUID().toString().substring(0, 8);
    ns = KeyLayout.namespace(prefix, "default");
    texts = new TextEntries(ns);
    a = open();
    b = open();
    awaitWithin(10, "both near caches serve", () -> a.serving() && b.serving());
  }

  /** One JVM's store: the whole cluster stack of the factory, its own spool. */
  private NearCacheStore open() throws Exception {
    return open(TestCluster.get().nodes(), prefix);
  }

  /**
   * One JVM's store on the cluster of {@code nodes}, for {@code prefix}: the whole cluster stack of
   * the factory with the near cache on, its own spool.
   *
   * @param settings more settings, key and value after each other (credentials, TLS)
   */
  static NearCacheStore open(String nodes, String prefix, String... settings) throws Exception {
    Map<String, String> properties = new HashMap<>();
    properties.put("depcache.redis.cluster.nodes", nodes);
    properties.put("depcache.redis.timeout-ms", "2000");
    properties.put("depcache.prefix", prefix);
    properties.put("depcache.near-cache.enabled", "true");
    properties.put("depcache.spool-dir", Files.createTempDirectory("depcache-spool").toString());
    for (int i = 0; i < settings.length; i += 2) {
      properties.put(settings[i], settings[i + 1]);
    }
    ManagerConfig config = AgentConfig.load(null, properties, Map.of()).defaultManager();
    return new NearCacheStore(StoreFactory.open(config), config, TextEntries.READER);
  }

  @AfterEach
  void stop() {
    if (a != null) {
      a.close();
    }
    if (b != null) {
      b.close();
    }
  }

  /** Entries and dependencies on every primary: one invalidation, delete or clear reaches both. */
  @Test
  void invalidationsDeletesAndClearsInOneHaveRemovedTheOthersNearEntriesWhenTheyReturn() {
    assertCoherentOnEveryPrimary(texts, ns, a, b);
  }

  /**
   * Writes 30 entries through {@code a}, on every primary, and near hits of them in {@code b}; then
   * shows that invalidations, deletes and a clear in either one have removed the other's near
   * entries when they return.
   */
  static void assertCoherentOnEveryPrimary(
      TextEntries texts, String ns, NearCacheStore a, NearCacheStore b) {
    for (int i = 0; i < 30; i++) {
      texts.write(a, "k" + i, "v" + i, "d" + i, "all");
      texts.assertNearHit(b, "k" + i, "v" + i);
    }
    assertThat(a.invalidate(List.of(texts.dep("d3"), texts.dep("d17")))).isEqualTo(2);
    assertThat(value(b.lookup(texts.entry("k3")))).isNull();
    assertThat(value(b.lookup(texts.entry("k17")))).isNull();
    texts.assertNearHit(b, "k4", "v4");

    assertThat(b.delete(List.of(texts.entry("k4"), texts.entry("k5")))).isEqualTo(2);
    assertThat(value(a.lookup(texts.entry("k4")))).isNull();
    assertThat(value(a.lookup(texts.entry("k5")))).isNull();

    texts.assertNearHit(a, "k6", "v6");
    assertThat(a.invalidate(List.of(texts.dep("all")))).isEqualTo(26);
    for (int i = 0; i < 30; i++) {
      assertThat(value(b.lookup(texts.entry("k" + i)))).as("k%d", i).isNull();
    }

    texts.write(a, "x", "ex", "dx");
    texts.assertNearHit(b, "x", "ex");
    b.clear(ns);
    assertThat(value(a.lookup(texts.entry("x")))).isNull();
    assertThat(value(b.lookup(texts.entry("x")))).isNull();
  }

  /**
   * The checks above can fail: with the subscriber's drop switched off, B serves what A removed.
   */
  @Test
  void withoutTheCoherenceStepTheOtherServesTheRemovedEntry() {
    b.coherenceForTests(false);
    texts.write(a, "k", "one", "d");
    texts.assertNearHit(b, "k", "one");
    assertThat(a.invalidate(List.of(texts.dep("d")))).isEqualTo(1);
    assertThat(value(a.lookup(texts.entry("k")))).isNull();
    assertThat(value(b.lookup(texts.entry("k")))).isEqualTo("one");
  }

  /** The primary that holds the protocol's keys (its registry) now, and their slot. */
  private int[] protocolPrimaryAndSlot() {
    RedisCluster cluster = TestCluster.get();
    for (int port : cluster.primaries()) {
      try (Jedis node = new Jedis("127.0.0.1", port)) {
        Set<String> found = node.keys("*" + prefix + ":@near:jvms");
        if (!found.isEmpty()) {
          String key = found.iterator().next();
          return new int[] {port, (int) node.clusterKeySlot(key)};
        }
      }
    }
    throw new AssertionError("no primary holds " + prefix + ":@near:jvms");
  }

  private static int replicaOf(int primary) {
    for (int port : TestCluster.get().replicas()) {
      try (Jedis node = new Jedis("127.0.0.1", port)) {
        if (node.info("replication").contains("master_port:" + primary + "\r")) {
          return port;
        }
      }
    }
    throw new AssertionError("no replica of " + primary);
  }

  @Test
  void afterTheProtocolsPrimaryFailsOverBothServeFromTheNewOneAndStayCoherent() throws Exception {
    int primary = protocolPrimaryAndSlot()[0];
    int replica = replicaOf(primary);
    afterTheProtocolsSlotChangesPrimary(
        "failover", () -> TestCluster.get().failover(replica), replica);
  }

  @Test
  void afterTheProtocolsSlotMovesBothServeFromItsNewPrimaryAndStayCoherent() throws Exception {
    int[] at = protocolPrimaryAndSlot();
    int target = TestCluster.get().primaries().stream().filter(p -> p != at[0]).findFirst().get();
    afterTheProtocolsSlotChangesPrimary(
        "slot move", () -> TestCluster.get().moveSlot(at[1], at[0], target), target);
  }

  private void afterTheProtocolsSlotChangesPrimary(String what, Runnable change, int newPrimary)
      throws Exception {
    texts.write(a, "k1", "one", "d1");
    texts.write(a, "k2", "two", "d2");
    texts.assertNearHit(b, "k1", "one");
    texts.assertNearHit(b, "k2", "two");
    texts.assertNearHit(a, "k1", "one");
    long subscriptionsA = a.subscriptionsMadeForTests();
    long subscriptionsB = b.subscriptionsMadeForTests();

    long changing = System.nanoTime();
    change.run();
    awaitWithin(
        20,
        "both near caches subscribed again and serve",
        () ->
            a.subscriptionsMadeForTests() > subscriptionsA
                && b.subscriptionsMadeForTests() > subscriptionsB
                && a.serving()
                && b.serving());
    System.out.println(
        "[ClusterNearCacheIT] near hits resumed "
            + Duration.ofNanos(System.nanoTime() - changing).toMillis()
            + " ms after the "
            + what
            + " began");
    assertThat(protocolPrimaryAndSlot()[0]).as("the protocol's keys moved").isEqualTo(newPrimary);

    // coherent where the protocol is now
    texts.assertNearHit(b, "k1", "one");
    assertThat(a.invalidate(List.of(texts.dep("d1")))).isEqualTo(1);
    assertThat(value(b.lookup(texts.entry("k1")))).isNull();
    texts.assertNearHit(a, "k2", "two");
    assertThat(b.delete(List.of(texts.entry("k2")))).isEqualTo(1);
    assertThat(value(a.lookup(texts.entry("k2")))).isNull();
  }
}
