package io.depcache.agent.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The circuit breaker and retries, on a store that fails on demand and a clock the test moves. */
class ResilientStoreTest {
  private static final String NS = KeyLayout.namespace("depcache", "m");

  private final AtomicLong nanos = new AtomicLong(0);
  private final CountingStore backend = new CountingStore(new MemoryStore());
  private ResilientStore store = resilient(100_000, null);

  private ResilientStore resilient(int maxPending, String overflowNamespace) {
    return new ResilientStore(backend, overflowNamespace, 500, 5_000, maxPending, nanos::get, null);
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  private void advanceMillis(long millis) {
    nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
  }

  private static String entry(String key) {
    return KeyLayout.entryKey(NS, key);
  }

  private static String dep(String dependency) {
    return KeyLayout.dependencyKey(NS, dependency);
  }

  /** Waits for the retry thread, which runs on its own; fails after 10 s. */
  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime() - deadline).as("waiting for " + what).isNegative();
      Thread.sleep(10);
    }
  }

  @Test
  void afterAFailureCallsFailFastWithoutReachingTheStore() {
    backend.down = true;
    assertThatThrownBy(() -> store.get(entry("a"))).isInstanceOf(StoreException.class);
    assertThat(backend.calls).hasValue(1);

    for (int i = 0; i < 5; i++) {
      assertThatThrownBy(() -> store.get(entry("a")))
          .isInstanceOf(StoreException.class)
          .hasMessageContaining("circuit open");
    }

    assertThat(backend.calls).hasValue(1);
  }

  @Test
  void callsThatFindNoFreeConnectionLeaveTheCircuitClosed() {
    backend.busy = true;
    for (int i = 0; i < 5; i++) {
      assertThatThrownBy(() -> store.get(entry("a")))
          .isInstanceOf(StoreException.class)
          .hasMessageContaining("no free connection");
    }
    assertThat(backend.calls).as("each reached the store: none refused by a circuit").hasValue(5);
    assertThat(store.isCircuitOpen()).isFalse();

    backend.busy = false;
    assertThat(store.get(entry("a"))).isNull();
  }

  @Test
  void anInvalidationThatFindsNoFreeConnectionStillWaitsAndHoldsReadsBack() {
    backend.busy = true;
    assertThatThrownBy(() -> store.invalidate(List.of(dep("d"))))
        .isInstanceOf(StoreException.class);
    assertThat(store.pendingInvalidations()).isEqualTo(1);
    assertThat(store.isCircuitOpen()).isTrue();
  }

  @Test
  void oneCallProbesAfterTheBackOffWhichDoublesOnFailure() {
    backend.down = true;
    assertThatThrownBy(() -> store.get(entry("a"))).isInstanceOf(StoreException.class);

    advanceMillis(500);
    assertThatThrownBy(() -> store.get(entry("a"))).hasMessageNotContaining("circuit open");
    assertThat(backend.calls).as("the probe").hasValue(2);

    advanceMillis(500);
    assertThatThrownBy(() -> store.get(entry("a"))).hasMessageContaining("circuit open");
    advanceMillis(500);
    assertThatThrownBy(() -> store.get(entry("a"))).hasMessageNotContaining("circuit open");
    assertThat(backend.calls).as("second probe after 1000 ms").hasValue(3);
  }

  @Test
  void backOffStopsDoublingAtTheMaximum() {
    backend.down = true;
    assertThatThrownBy(() -> store.get(entry("a"))).isInstanceOf(StoreException.class);
    for (long wait = 500; wait <= 5_000; wait *= 2) {
      advanceMillis(wait);
      assertThatThrownBy(() -> store.get(entry("a"))).hasMessageNotContaining("circuit open");
    }
    int probes = backend.calls.get();

    advanceMillis(5_000);
    assertThatThrownBy(() -> store.get(entry("a"))).hasMessageNotContaining("circuit open");

    assertThat(backend.calls).hasValue(probes + 1);
  }

  @Test
  void successfulProbeClosesTheCircuit() {
    backend.down = true;
    assertThatThrownBy(() -> store.get(entry("a"))).isInstanceOf(StoreException.class);
    backend.down = false;
    advanceMillis(500);

    assertThat(store.get(entry("a"))).isNull();

    assertThat(store.isCircuitOpen()).isFalse();
    store.put(entry("a"), "x".getBytes(UTF_8), 0, List.of());
    assertThat(store.get(entry("a"))).isEqualTo("x".getBytes(UTF_8));
  }

  @Test
  void failedInvalidationIsRetriedUntilItSucceedsAndThenTheCircuitCloses() throws Exception {
    store.put(entry("a"), "x".getBytes(UTF_8), 0, List.of(dep("d")));
    backend.down = true;

    assertThatThrownBy(() -> store.invalidate(List.of(dep("d"))))
        .isInstanceOf(StoreException.class);
    assertThatThrownBy(() -> store.invalidate(List.of(dep("e"))))
        .hasMessageContaining("circuit open");
    assertThat(store.pendingInvalidations()).isEqualTo(2);

    // The retry may run at any moment from now on: it is held inside the store until the check.
    CountDownLatch retryHeld = new CountDownLatch(1);
    backend.invalidationsWait = retryHeld;
    backend.down = false;
    advanceMillis(500);
    assertThatThrownBy(() -> store.get(entry("a")))
        .as("no probe while invalidations wait: it could read a stale entry")
        .hasMessageContaining("circuit open");
    retryHeld.countDown();

    await(
        "the retried invalidation",
        () -> store.pendingInvalidations() == 0 && !store.isCircuitOpen());
    assertThat(backend.delegate.exists(entry("a"))).isFalse();
    assertThat(store.get(entry("a"))).isNull();
  }

  @Test
  void failedDeleteAndClearAreRetriedToo() throws Exception {
    store.put(entry("a"), "x".getBytes(UTF_8), 0, List.of());
    String other = KeyLayout.namespace("depcache", "other");
    store.put(KeyLayout.entryKey(other, "b"), "x".getBytes(UTF_8), 0, List.of());
    backend.down = true;

    assertThatThrownBy(() -> store.delete(List.of(entry("a")))).isInstanceOf(StoreException.class);
    assertThatThrownBy(() -> store.clear(other)).isInstanceOf(StoreException.class);
    backend.down = false;
    advanceMillis(500);

    await("the retries", () -> store.pendingInvalidations() == 0);
    assertThat(backend.delegate.exists(entry("a"))).isFalse();
    assertThat(backend.delegate.exists(KeyLayout.entryKey(other, "b"))).isFalse();
  }

  @Test
  void tooManyPendingInvalidationsBecomeOneClear() throws Exception {
    store.close();
    store = resilient(3, "depcache:");
    store.put(entry("a"), "x".getBytes(UTF_8), 0, List.of());
    backend.down = true;

    assertThatThrownBy(() -> store.invalidate(List.of(dep("1"), dep("2"), dep("3"), dep("4"))))
        .isInstanceOf(StoreException.class);
    assertThat(store.pendingInvalidations()).isEqualTo(1);

    backend.down = false;
    advanceMillis(500);
    await("the clear", () -> store.pendingInvalidations() == 0);
    assertThat(backend.clears).hasValue(1);
    assertThat(backend.delegate.exists(entry("a"))).isFalse();
  }

  @Test
  void tooManyPendingInvalidationsWithoutANamespaceDropTheOldest() {
    store.close();
    store = resilient(3, null);
    backend.down = true;

    assertThatThrownBy(() -> store.invalidate(List.of(dep("1"), dep("2"), dep("3"), dep("4"))))
        .isInstanceOf(StoreException.class);

    assertThat(store.pendingInvalidations()).isEqualTo(3);
  }

  @Test
  void argumentErrorsDoNotOpenTheCircuit() {
    assertThatThrownBy(() -> store.put(entry("a"), new byte[0], -5, List.of()))
        .isInstanceOf(IllegalArgumentException.class);

    assertThat(store.isCircuitOpen()).isFalse();
    assertThat(store.get(entry("a"))).isNull();
  }
}
