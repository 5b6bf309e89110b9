package io.depcache.agent.near;

import static io.depcache.agent.near.TextEntries.awaitWithin;
import static io.depcache.agent.near.TextEntries.value;
import static org.assertj.core.api.Assertions.assertThat;

import io.depcache.agent.config.AgentConfig;
import io.depcache.agent.config.ManagerConfig;
import io.depcache.agent.store.KeyLayout;
import io.depcache.agent.store.StoreFactory;
import io.depcache.testing.RedisSentinel;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The near cache in front of a Sentinel-managed primary (a primary, a replica and three sentinels,
 * real processes): two near caches, each with its own store as two JVMs have, keep each other
 * coherent, and when the primary stops answering ({@code SIGSTOP}: its connections stay open, so a
 * subscription to it would wait forever) and Sentinel promotes the replica, both stop serving from
 * the old primary, subscribe on the new one, serve near hits again and keep each other coherent
 * there; the invalidation made while the primary was gone removes its entry from both. Entries are
 * text {@code value|dep,dep}, which the test's reader splits.
 */
class SentinelNearCacheIT {
  private static final String MASTER = "depcache-near-it";

  private RedisSentinel deployment;
  private String ns;
  private TextEntries texts;
  private NearCacheStore a;
  private NearCacheStore b;

  @BeforeEach
  void start() throws Exception {
    deployment = RedisSentinel.start(MASTER);
    String prefix = "s" + UUID.randomUUID().toString().substring(0, 8);
    ns = KeyLayout.namespace(prefix, "default");
    texts = new TextEntries(ns);
    a = open(prefix);
    b = open(prefix);
    awaitWithin(10, "both near caches serve", () -> a.serving() && b.serving());
  }

  /** One JVM's store: the whole Sentinel stack of the factory, its own spool. */
  private NearCacheStore open(String prefix) throws Exception {
    ManagerConfig settings =
        AgentConfig.load(
                null,
                Map.of(
                    "depcache.redis.sentinel.master",
                    MASTER,
                    "depcache.redis.sentinel.nodes",
                    deployment.nodes(),
                    "depcache.redis.timeout-ms",
                    "500",
                    "depcache.prefix",
                    prefix,
                    "depcache.near-cache.enabled",
                    "true",
                    "depcache.spool-dir",
                    Files.createTempDirectory("depcache-spool").toString()),
                Map.of())
            .defaultManager();
    return new NearCacheStore(StoreFactory.open(settings), settings, TextEntries.READER);
  }

  @AfterEach
  void stop() {
    if (deployment != null) {
      deployment.primary().resume();
    }
    if (a != null) {
      a.close();
    }
    if (b != null) {
      b.close();
    }
    if (deployment != null) {
      deployment.close();
    }
  }

  @Test
  void anInvalidationInOneRemovesTheNearEntryOfTheOtherBeforeItReturns() {
    texts.write(a, "k", "one", "d");
    texts.assertNearHit(b, "k", "one");
    assertThat(a.invalidate(List.of(texts.dep("d")))).isEqualTo(1);
    assertThat(value(b.lookup(texts.entry("k")))).isNull();
    assertThat(value(a.lookup(texts.entry("k")))).isNull();
  }

  @Test
  void afterTheOldPrimaryStopsAnsweringBothFollowTheNewOneAndServeNothingStale() throws Exception {
    texts.write(a, "k1", "one", "d1");
    texts.write(a, "k2", "two", "d2");
    texts.assertNearHit(b, "k1", "one");
    texts.assertNearHit(b, "k2", "two");
    texts.assertNearHit(a, "k1", "one");
    long subscriptionsA = a.subscriptionsMadeForTests();
    long subscriptionsB = b.subscriptionsMadeForTests();
    awaitWithin(
        20,
        "the replica has the entries",
        () -> {
          try (var replica = deployment.jedis(deployment.replica().port())) {
            return replica.exists(texts.entry("k1")) && replica.exists(texts.entry("k2"));
          }
        });

    deployment.primary().pause();
    long paused = System.nanoTime();
    // while the primary does not answer: kept and applied later (an outage), or failed
    try {
      a.invalidate(List.of(texts.dep("d1")));
    } catch (RuntimeException e) {
      // the caller of an invalidation that failed knows it did
    }

    awaitWithin(
        30,
        "Sentinel promoted the replica and both near caches serve from it",
        () ->
            deployment.replication(deployment.replica().port()).contains("role:master")
                && a.subscriptionsMadeForTests() > subscriptionsA
                && b.subscriptionsMadeForTests() > subscriptionsB
                && a.serving()
                && b.serving());
    System.out.println(
        "[SentinelNearCacheIT] near hits resumed on the new primary "
            + Duration.ofNanos(System.nanoTime() - paused).toMillis()
            + " ms after the primary stopped answering");
    // the invalidation made meanwhile is applied on the new primary, and neither serves its entry
    awaitWithin(
        10, "the invalidation made meanwhile is applied", () -> a.pendingInvalidations() == 0);
    awaitWithin(
        5,
        "neither serves the entry invalidated while the primary was gone",
        () ->
            value(a.lookup(texts.entry("k1"))) == null
                && value(b.lookup(texts.entry("k1"))) == null);

    // coherent on the new primary: an invalidation there has removed the other's near entry
    texts.assertNearHit(b, "k2", "two");
    assertThat(a.invalidate(List.of(texts.dep("d2")))).isEqualTo(1);
    assertThat(value(b.lookup(texts.entry("k2")))).isNull();
    texts.write(b, "k3", "three", "d3");
    texts.assertNearHit(a, "k3", "three");
    assertThat(b.delete(List.of(texts.entry("k3")))).isEqualTo(1);
    assertThat(value(a.lookup(texts.entry("k3")))).isNull();
  }
}
