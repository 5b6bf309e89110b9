package io.depcache.agent.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.depcache.testing.SlowProxy;
import io.depcache.testing.TestRedis;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A call that has to open its connection waits at most the timeout in all: opening takes round
 * trips of its own before the command's, and against a Redis that answers slowly they add up.
 */
class ColdConnectionTest {
  private static final int TIMEOUT_MS = 500;

  /** A few milliseconds, and the scheduling of a loaded machine. */
  private static final long MARGIN_MS = 150;

  private static final String KEY = "cold-connection-test";

  @BeforeAll
  static void loadTheClient() {
    // What is measured below is waiting, not the JVM loading Jedis.
    try (RedisStore direct = RedisStore.connect(TestRedis.url(), TIMEOUT_MS)) {
      direct.get(KEY);
    }
  }

  @Test
  void creatingTheStoreOpensNoConnection() throws Exception {
    // Else the agent's start would wait for a slow Redis, and for one that is down.
    try (SlowProxy proxy = SlowProxy.start(TestRedis.url(), 400)) {
      long start = System.nanoTime();
      RedisStore.connect(proxy.url(), TIMEOUT_MS).close();
      long millis = (System.nanoTime() - start) / 1_000_000;

      assertThat(millis).as("ms creating the store took").isLessThan(200);
    }
  }

  @Test
  void openingSlowerThanTheTimeoutFailsTheCallAtTheTimeoutAndServesTheNextOne() throws Exception {
    // Opening: HELLO and CLIENT SETNAME, 400 ms each.
    try (SlowProxy proxy = SlowProxy.start(TestRedis.url(), 400);
        RedisStore store = RedisStore.connect(proxy.url(), TIMEOUT_MS)) {
      long start = System.nanoTime();
      StoreException failure = catchThrowableOfType(StoreException.class, () -> store.get(KEY));
      long millis = (System.nanoTime() - start) / 1_000_000;

      assertThat(millis).as("ms the cold call waited").isLessThan(TIMEOUT_MS + MARGIN_MS);
      assertThat(failure).isNotNull();
      assertThat(failure.kind()).isEqualTo(StoreException.Kind.UNAVAILABLE);
      assertThat(failure).hasMessageContaining("opening a connection took longer than 500 ms");

      // The connection opens on behind the call, 800 ms in all, and is kept for the next one. Each
      // call that had to open one itself would fail as the first did.
      Thread.sleep(1_500);
      start = System.nanoTime();
      store.get(KEY);
      millis = (System.nanoTime() - start) / 1_000_000;
      assertThat(millis).as("ms the next call took, on that connection").isLessThan(TIMEOUT_MS);
    }
  }

  @Test
  void theCommandGetsWhatOpeningLeftOfTheTimeout() throws Exception {
    // Opening takes 2 x 200 ms, within the timeout; the command's 200 ms would be past it.
    try (SlowProxy proxy = SlowProxy.start(TestRedis.url(), 200);
        RedisStore store = RedisStore.connect(proxy.url(), TIMEOUT_MS)) {
      long start = System.nanoTime();
      StoreException failure = catchThrowableOfType(StoreException.class, () -> store.get(KEY));
      long millis = (System.nanoTime() - start) / 1_000_000;

      assertThat(millis).as("ms the cold call waited").isLessThan(TIMEOUT_MS + MARGIN_MS);
      assertThat(failure).as("a timeout of the command").isNotNull();
      assertThat(failure.kind()).isEqualTo(StoreException.Kind.UNAVAILABLE);
    }
  }
}
