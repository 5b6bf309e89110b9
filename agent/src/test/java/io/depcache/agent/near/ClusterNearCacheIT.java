package io.depcache.agent.near;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.depcache.agent.config.AgentConfig;
import io.depcache.agent.config.ManagerConfig;
import io.depcache.agent.store.CacheStore;
import io.depcache.agent.store.KeyLayout;
import io.depcache.agent.store.StoreFactory;
import io.depcache.testing.RedisCluster;
import io.depcache.testing.TestCluster;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.BooleanSupplier;
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
  private NearCacheStore a;
  private NearCacheStore b;

  @BeforeEach
  void start() throws Exception {
    prefix = "cn" + UUID.randomUUID().toString().substring(0, 8);
    ns = KeyLayout.namespace(prefix, "default");
    DependencyReader reader =
        (key, stored) -> {
          String text = new String(stored, UTF_8);
          String deps = text.substring(text.indexOf('|') + 1);
          return deps.isEmpty() ? List.of() : Arrays.asList(deps.split(","));
        };
    a = open(reader);
    b = open(reader);
    awaitWithin(10, "both near caches serve", () -> a.serving() && b.serving());
  }

  /** One JVM's store: the whole cluster stack of the factory, its own spool. */
  private NearCacheStore open(DependencyReader reader) throws Exception {
    ManagerConfig settings =
        AgentConfig.load(
                null,
                Map.of(
                    "depcache.redis.cluster.nodes",
                    TestCluster.get().nodes(),
                    "depcache.redis.timeout-ms",
                    "2000",
                    "depcache.prefix",
                    prefix,
                    "depcache.near-cache.enabled",
                    "true",
                    "depcache.spool-dir",
                    Files.createTempDirectory("depcache-spool").toString()),
                Map.of())
            .defaultManager();
    return new NearCacheStore(StoreFactory.open(settings), settings, reader);
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

  private String entry(String key) {
    return ns + "e:" + key;
  }

  private String dep(String dependency) {
    return ns + "d:" + dependency;
  }

  private void write(NearCacheStore store, String key, String value, String... deps) {
    long sequence = store.lookup(entry(key)).sequence();
    List<String> depKeys = new ArrayList<>();
    for (String d : deps) {
      depKeys.add(dep(d));
    }
    byte[] bytes = (value + "|" + String.join(",", depKeys)).getBytes(UTF_8);
    long[] sequences = new long[depKeys.size()];
    Arrays.fill(sequences, sequence);
    assertThat(store.putIfUnchangedSince(entry(key), bytes, 600_000, depKeys, sequence, sequences))
        .as("write of %s", key)
        .isTrue();
  }

  private static String value(CacheStore.Lookup found) {
    return found.value() == null ? null : new String(found.value(), UTF_8).split("\\|")[0];
  }

  /** Fills {@code store}'s near cache with the entry, and shows the next lookup is a near hit. */
  private void assertNearHit(NearCacheStore store, String key, String expected) {
    assertThat(value(store.lookup(entry(key)))).isEqualTo(expected);
    long hits = store.nearHits();
    assertThat(value(store.lookup(entry(key)))).isEqualTo(expected);
    assertThat(store.nearHits()).as("a near hit of %s", key).isEqualTo(hits + 1);
  }

  private static void awaitWithin(int seconds, String what, BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
    while (!safely(condition)) {
      assertThat(System.nanoTime() - deadline).as("waiting until " + what).isNegative();
      Thread.sleep(20);
    }
  }

  private static boolean safely(BooleanSupplier condition) {
    try {
      return condition.getAsBoolean();
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** Entries and dependencies on every primary: one invalidation, delete or clear reaches both. */
  @Test
  void invalidationsDeletesAndClearsInOneHaveRemovedTheOthersNearEntriesWhenTheyReturn() {
    for (int i = 0; i < 30; i++) {
      write(a, "k" + i, "v" + i, "d" + i, "all");
      assertNearHit(b, "k" + i, "v" + i);
    }
    assertThat(a.invalidate(List.of(dep("d3"), dep("d17")))).isEqualTo(2);
    assertThat(value(b.lookup(entry("k3")))).isNull();
    assertThat(value(b.lookup(entry("k17")))).isNull();
    assertNearHit(b, "k4", "v4");

    assertThat(b.delete(List.of(entry("k4"), entry("k5")))).isEqualTo(2);
    assertThat(value(a.lookup(entry("k4")))).isNull();
    assertThat(value(a.lookup(entry("k5")))).isNull();

    assertNearHit(a, "k6", "v6");
    assertThat(a.invalidate(List.of(dep("all")))).isEqualTo(26);
    for (int i = 0; i < 30; i++) {
      assertThat(value(b.lookup(entry("k" + i)))).as("k%d", i).isNull();
    }

    write(a, "x", "ex", "dx");
    assertNearHit(b, "x", "ex");
    b.clear(ns);
    assertThat(value(a.lookup(entry("x")))).isNull();
    assertThat(value(b.lookup(entry("x")))).isNull();
  }

  /**
   * The checks above can fail: with the subscriber's drop switched off, B serves what A removed.
   */
  @Test
  void withoutTheCoherenceStepTheOtherServesTheRemovedEntry() {
    b.coherenceForTests(false);
    write(a, "k", "one", "d");
    assertNearHit(b, "k", "one");
    assertThat(a.invalidate(List.of(dep("d")))).isEqualTo(1);
    assertThat(value(a.lookup(entry("k")))).isNull();
    assertThat(value(b.lookup(entry("k")))).isEqualTo("one");
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
    write(a, "k1", "one", "d1");
    write(a, "k2", "two", "d2");
    assertNearHit(b, "k1", "one");
    assertNearHit(b, "k2", "two");
    assertNearHit(a, "k1", "one");
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
    assertNearHit(b, "k1", "one");
    assertThat(a.invalidate(List.of(dep("d1")))).isEqualTo(1);
    assertThat(value(b.lookup(entry("k1")))).isNull();
    assertNearHit(a, "k2", "two");
    assertThat(b.delete(List.of(entry("k2")))).isEqualTo(1);
    assertThat(value(a.lookup(entry("k2")))).isNull();
  }
}
