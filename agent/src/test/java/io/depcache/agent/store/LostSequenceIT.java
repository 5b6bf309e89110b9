package io.depcache.agent.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.depcache.testing.RedisServer;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/**
 * A Redis that loses its invalidation sequence (a restart without persistence, a flush, a failover
 * to a replica that lagged, something else under the key) must refuse every write whose computation
 * began before the loss: its fences may be gone with the sequence. On a server of its own, since
 * the test flushes and restarts it.
 */
class LostSequenceIT {
  private static final String SEQUENCE = "lost:seq";
  private static RedisServer server;

  private RedisStore store;
  private RedisClient admin;
  private final String ns = KeyLayout.namespace("lost", "m");

  @BeforeAll
  static void startServer() {
    server = RedisServer.start();
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  @BeforeEach
  void connect() {
    store = RedisStore.connect(server.url(), 2_000, SEQUENCE);
    admin = RedisClient.create(server.url());
    admin.flushAll();
  }

  @AfterEach
  void close() {
    store.close();
    admin.close();
  }

  private String entry(String key) {
    return KeyLayout.entryKey(ns, key);
  }

  private String dep(String dependency) {
    return KeyLayout.dependencyKey(ns, dependency);
  }

  /** A computation that depends on {@code d}, started at {@code since}, writes its value. */
  private boolean write(long since) {
    return store.putIfUnchangedSince(
        entry("k"), "v".getBytes(UTF_8), 60_000, List.of(dep("d")), since, new long[] {since});
  }

  /** A store that has seen 200 invalidations; returns the sequence a lookup now reads. */
  private long twoHundredInvalidationsLater() {
    for (int i = 0; i < 200; i++) {
      store.invalidate(List.of(dep("other")));
    }
    return store.lookup(entry("k")).sequence();
  }

  @Test
  void aFlushThenAnInvalidationRefusesWhatWasComputedBefore() {
    long since = twoHundredInvalidationsLater();

    admin.flushAll();
    store.invalidate(List.of(dep("d")));

    assertThat(write(since)).as("written after the sequence was lost and fenced again").isFalse();
    assertThat(store.get(entry("k"))).isNull();
  }

  @Test
  void aFlushAloneRefusesWhatWasComputedBefore() {
    // The invalidation that made the value stale was fenced before the flush: its fence is gone.
    long since = twoHundredInvalidationsLater();
    store.invalidate(List.of(dep("d")));
    admin.flushAll();

    assertThat(write(since)).isFalse();
  }

  @Test
  void aNewEpochRefusesEvenWhenOnlyOtherDependenciesWereFencedSince() {
    long since = twoHundredInvalidationsLater();
    store.invalidate(List.of(dep("d")));
    admin.flushAll();
    store.invalidate(List.of(dep("unrelated")));

    assertThat(write(since)).isFalse();
  }

  @Test
  void aRestartWithoutPersistenceRefusesWhatWasComputedBefore() {
    long since = twoHundredInvalidationsLater();
    store.invalidate(List.of(dep("d")));

    server.restart();

    assertThat(write(since)).isFalse(); // the first call after the restart reconnects by itself
    // Computations that begin after the restart are stored again.
    long after = store.lookup(entry("k")).sequence();
    assertThat(write(after)).isTrue();
  }

  @Test
  void aSequenceThatWentBackRefusesWhatWasComputedAfterIt() {
    // A failover to a replica that had not yet received the last invalidations.
    long since = twoHundredInvalidationsLater();
    admin.set(SEQUENCE, Long.toString(since - 5));

    assertThat(write(since)).isFalse();
  }

  @Test
  void afterAnEpochBeginsComputationsAreStoredAsBefore() {
    store.invalidate(List.of(dep("d")));
    long since = store.lookup(entry("k")).sequence();

    assertThat(write(since)).isTrue();
    store.invalidate(List.of(dep("d")));
    assertThat(write(since)).as("fenced by the invalidation after it").isFalse();
  }

  @Test
  void aFreshStoreStoresComputationsThatReadNoSequence() {
    assertThat(store.lookup(entry("k")).sequence()).isZero();

    assertThat(write(0)).isTrue();
    assertThat(store.get(entry("k"))).isEqualTo("v".getBytes(UTF_8));
  }

  @Test
  void somethingElseUnderTheSequenceKeyIsALostSequenceNotAFailure() {
    long since = twoHundredInvalidationsLater();
    admin.set(SEQUENCE, "not a number");

    assertThat(store.lookup(entry("k")).sequence()).isZero();
    assertThat(write(since)).isFalse();
    store.invalidate(List.of(dep("d"))); // begins a new epoch instead of failing
    long after = store.lookup(entry("k")).sequence();
    assertThat(after).isGreaterThan(since);
    assertThat(write(after)).isTrue();
  }
}
