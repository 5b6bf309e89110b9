package io.depcache.agent.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.depcache.testing.RedisServer;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.RedisClient;

/** Fail-open against a real redis-server that the test stops and restarts. */
class ResilientStoreIT {
  private static final String NS = KeyLayout.namespace("depcache", "m");

  private RedisServer server;
  private CountingStore counting;
  private ResilientStore store;

  @BeforeEach
  void startServer() {
    server = RedisServer.start();
  }

  @AfterEach
  void stopServer() {
    if (store != null) {
      store.close();
    }
    server.close();
  }

  private ResilientStore connect(long initialBackoffMillis) {
    counting = new CountingStore(RedisStore.connect(server.url(), 500));
    store =
        new ResilientStore(
            counting, "depcache:", initialBackoffMillis, 1_000, 100_000, System::nanoTime, null);
    return store;
  }

  /** Waits for the store to recover on its own; fails after 20 s. */
  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime() - deadline).as("waiting for " + what).isNegative();
      Thread.sleep(50);
    }
  }

  private static boolean succeeds(Runnable call) {
    try {
      call.run();
      return true;
    } catch (StoreException e) {
      return false;
    }
  }

  @Test
  void whileRedisIsDownOnlyTheFirstCallReachesTheNetwork() {
    connect(3_600_000);
    server.stop();

    assertThatThrownBy(() -> store.get(KeyLayout.entryKey(NS, "a")))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("GET");
    for (int i = 0; i < 100; i++) {
      assertThatThrownBy(() -> store.get(KeyLayout.entryKey(NS, "a")))
          .hasMessageContaining("circuit open");
    }

    assertThat(counting.calls).hasValue(1);
  }

  @Test
  void failedInvalidationTakesEffectAfterRedisComesBack() throws Exception {
    String entry = KeyLayout.entryKey(NS, "profile:1");
    String dependency = KeyLayout.dependencyKey(NS, "user:1");
    connect(100);
    store.put(entry, "cached".getBytes(UTF_8), 0, List.of(dependency));
    try (RedisClient admin = RedisClient.create(server.url())) {
      // SAVE, so that the restarted server still holds the entry
      admin.sendCommand(Protocol.Command.SAVE);
    }
    server.stop();

    assertThatThrownBy(() -> store.invalidate(List.of(dependency)))
        .isInstanceOf(StoreException.class);
    assertThat(store.pendingInvalidations()).isEqualTo(1);

    server.restart();
    try (RedisClient admin = RedisClient.create(server.url())) {
      await("the retried invalidation", () -> !admin.exists(entry));
    }
    await("the circuit to close", () -> succeeds(() -> store.get(entry)));
    assertThat(store.get(entry)).isNull();
    assertThat(store.pendingInvalidations()).isZero();
  }

  @Test
  void cachingResumesByItselfWhenRedisComesBack() throws Exception {
    String entry = KeyLayout.entryKey(NS, "a");
    connect(100);
    server.stop();
    assertThatThrownBy(() -> store.put(entry, "x".getBytes(UTF_8), 0, List.of()))
        .isInstanceOf(StoreException.class);

    server.restart();

    await("a put to succeed", () -> succeeds(() -> store.put(entry, new byte[] {1}, 0, List.of())));
    assertThat(store.get(entry)).containsExactly(1);
  }

  @Test
  void redisDownAtConstructionIsFine() throws Exception {
    server.stop();
    connect(100);
    assertThatThrownBy(() -> store.exists(KeyLayout.entryKey(NS, "a")))
        .isInstanceOf(StoreException.class);

    server.restart();

    await("Redis", () -> succeeds(() -> store.exists(KeyLayout.entryKey(NS, "a"))));
  }
}
