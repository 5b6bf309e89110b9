package io.depcache.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.fixtures.Calls;
import com.example.fixtures.Gate;
import com.example.fixtures.Rows;
import io.depcache.CacheManager;
import io.depcache.DepCache;
import io.depcache.agent.AgentMain;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The interleavings of DESIGN.md "Correctness", forced one at a time with a {@link Gate}: the
 * computation has read its data, then the test invalidates, then the computation ends.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ConsistencyBehaviourTest {
  private AgentMain.Installation installation;
  private final ExecutorService threads = Executors.newCachedThreadPool();
  Rows rows;
  CacheManager manager;

  abstract Map<String, String> settings();

  @BeforeEach
  void setUp() {
    if (installation == null) {
      installation = AgentTestSupport.install(settings());
    }
    manager = DepCache.manager();
    manager.clear();
    Calls.reset();
    Rows.DB.clear();
    rows = new Rows();
  }

  @AfterEach
  void openGates() {
    Gate.disarm();
    Rows.cycle = null;
  }

  @AfterAll
  void tearDown() {
    threads.shutdownNow();
    if (installation != null) {
      installation.uninstall();
    }
  }

  @Test
  void invalidationDuringComputationIsNotCached() throws Exception {
    Rows.DB.put(1, 1);
    Gate gate = Gate.arm();
    Future<Integer> reader = threads.submit(() -> rows.version(1));
    gate.awaitReached(); // the miss has read version 1
    Rows.DB.put(1, 2);
    manager.invalidateDependency("row:1"); // the writer's invalidation returns
    gate.open();
    assertThat(reader.get(10, TimeUnit.SECONDS)).isEqualTo(1); // it started before: allowed
    Gate.disarm();
    assertThat(rows.version(1)).isEqualTo(2); // but its stale result was never stored
    assertThat(rows.version(1)).isEqualTo(2);
    assertThat(Calls.count("version")).isEqualTo(2);
  }

  @Test
  void aDependencyDeclaredAfterTheReadStillFencesTheWrite() throws Exception {
    Rows.DB.put(2, 1);
    Gate gate = Gate.arm();
    Future<Integer> reader = threads.submit(() -> rows.lateVersion(2));
    gate.awaitReached(); // read, dependency not declared yet
    Rows.DB.put(2, 2);
    manager.invalidateDependency("row:2");
    gate.open();
    assertThat(reader.get(10, TimeUnit.SECONDS)).isEqualTo(1);
    Gate.disarm();
    assertThat(rows.lateVersion(2)).isEqualTo(2);
  }

  @Test
  void anEnclosingComputationIsFencedByItsInnerDependencies() throws Exception {
    Rows.DB.put(3, 1);
    Gate gate = Gate.arm();
    Future<Integer> reader = threads.submit(() -> rows.outer(3));
    gate.awaitReached();
    Rows.DB.put(3, 2);
    manager.invalidateDependency("row:3");
    gate.open();
    assertThat(reader.get(10, TimeUnit.SECONDS)).isEqualTo(1001);
    Gate.disarm();
    assertThat(rows.outer(3)).isEqualTo(1002);
    assertThat(rows.version(3)).isEqualTo(2);
  }

  @Test
  void aDeleteDuringComputationIsNotUndoneByItsWrite() throws Exception {
    Rows.DB.put(4, 1);
    Gate gate = Gate.arm();
    Future<Integer> reader = threads.submit(() -> rows.version(4));
    gate.awaitReached();
    Rows.DB.put(4, 2);
    manager.delete("com.example.fixtures.Rows#version(4)");
    gate.open();
    assertThat(reader.get(10, TimeUnit.SECONDS)).isEqualTo(1);
    Gate.disarm();
    assertThat(rows.version(4)).isEqualTo(2);
  }

  @Test
  void anInvalidationBeforeTheComputationStartedDoesNotFenceIt() {
    Rows.DB.put(5, 1);
    manager.invalidateDependency("row:5");
    assertThat(rows.version(5)).isEqualTo(1);
    assertThat(rows.version(5)).isEqualTo(1);
    assertThat(Calls.count("version")).isEqualTo(1);
  }

  @Test
  void concurrentMissesOnOneKeyRunTheBodyOnce() throws Exception {
    Rows.DB.put(6, 7);
    Gate gate = Gate.arm();
    Future<Integer> leader = threads.submit(() -> rows.version(6));
    gate.awaitReached();
    List<Future<Integer>> waiters = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      waiters.add(threads.submit(() -> rows.version(6)));
    }
    awaitWaiting(7);
    gate.open();
    assertThat(leader.get(10, TimeUnit.SECONDS)).isEqualTo(7);
    for (Future<Integer> waiter : waiters) {
      assertThat(waiter.get(10, TimeUnit.SECONDS)).isEqualTo(7);
    }
    assertThat(Calls.count("version")).isEqualTo(1);
  }

  @Test
  void waitersGetTheSameExceptionEvenWhenItIsNotCached() throws Exception {
    Gate gate = Gate.arm();
    Future<Integer> leader = threads.submit(() -> rows.boom(1));
    gate.awaitReached();
    List<Future<Integer>> waiters = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      waiters.add(threads.submit(() -> rows.boom(1)));
    }
    awaitWaiting(3);
    gate.open();
    for (Future<Integer> call : concat(leader, waiters)) {
      assertThat(call)
          .failsWithin(10, TimeUnit.SECONDS)
          .withThrowableThat()
          .havingCause()
          .isInstanceOf(IllegalStateException.class)
          .withMessage("boom 1");
    }
    assertThat(Calls.count("boom")).isEqualTo(1);
  }

  @Test
  void waitersOfAFencedComputationComputeAgainAndSeeTheNewData() throws Exception {
    Rows.DB.put(7, 1);
    Gate gate = Gate.arm();
    Future<Integer> leader = threads.submit(() -> rows.version(7));
    gate.awaitReached();
    List<Future<Integer>> waiters = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      waiters.add(threads.submit(() -> rows.version(7)));
    }
    awaitWaiting(3);
    Rows.DB.put(7, 2);
    manager.invalidateDependency("row:7");
    gate.open();
    assertThat(leader.get(10, TimeUnit.SECONDS)).isEqualTo(1);
    for (Future<Integer> waiter : waiters) {
      assertThat(waiter.get(10, TimeUnit.SECONDS)).isEqualTo(2);
    }
  }

  @Test
  void anInterruptedWaiterStopsWaitingKeepsItsFlagAndComputes() throws Exception {
    Rows.DB.put(8, 3);
    Gate gate = Gate.arm();
    Future<Integer> leader = threads.submit(() -> rows.version(8));
    gate.awaitReached();
    AtomicBoolean flagAfter = new AtomicBoolean();
    AtomicReference<Integer> result = new AtomicReference<>();
    Thread waiter =
        new Thread(
            () -> {
              result.set(rows.version(8));
              flagAfter.set(Thread.currentThread().isInterrupted());
            });
    waiter.start();
    awaitState(waiter);
    waiter.interrupt();
    waiter.join(10_000);
    assertThat(waiter.isAlive()).isFalse();
    assertThat(result.get()).isEqualTo(3);
    assertThat(flagAfter).isTrue();
    assertThat(Calls.count("version")).isEqualTo(2); // it computed for itself
    gate.open();
    assertThat(leader.get(10, TimeUnit.SECONDS)).isEqualTo(3);
  }

  @Test
  void twoFlightsWaitingForEachOtherDoNotDeadlock() throws Exception {
    Rows.cycle = new CyclicBarrier(2, () -> Rows.cycle = null);
    AtomicReference<String> a = new AtomicReference<>();
    AtomicReference<String> b = new AtomicReference<>();
    Thread ta = new Thread(() -> a.set(rows.cycleA(1)), "a");
    Thread tb = new Thread(() -> b.set(rows.cycleB(1)), "b");
    ta.start();
    tb.start();
    ta.join(20_000);
    tb.join(20_000);
    assertThat(ta.isAlive()).as("thread a finished").isFalse();
    assertThat(tb.isAlive()).as("thread b finished").isFalse();
    assertThat(a.get()).startsWith("A(B");
    assertThat(b.get()).startsWith("B(A(B");
  }

  private static List<Future<Integer>> concat(Future<Integer> first, List<Future<Integer>> rest) {
    List<Future<Integer>> all = new ArrayList<>(rest);
    all.add(0, first);
    return all;
  }

  /** Waits until {@code count} pool threads are parked (waiting for the leader). */
  private static void awaitWaiting(int count) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      long parked =
          Thread.getAllStackTraces().keySet().stream()
              .filter(t -> t.getName().startsWith("pool-"))
              .filter(t -> t.getState() == Thread.State.TIMED_WAITING)
              .filter(t -> inSingleFlight(t.getStackTrace()))
              .count();
      if (parked >= count) {
        return;
      }
      Thread.sleep(5);
    }
    throw new AssertionError(count + " threads never waited for the leader");
  }

  private static void awaitState(Thread thread) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      if (thread.getState() == Thread.State.TIMED_WAITING
          && inSingleFlight(thread.getStackTrace())) {
        return;
      }
      Thread.sleep(5);
    }
    throw new AssertionError(thread + " never waited for the leader");
  }

  private static boolean inSingleFlight(StackTraceElement[] stack) {
    for (StackTraceElement frame : stack) {
      if (frame.getClassName().startsWith(SingleFlight.class.getName())) {
        return true;
      }
    }
    return false;
  }
}
