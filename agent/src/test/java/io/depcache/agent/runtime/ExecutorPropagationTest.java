package io.depcache.agent.runtime;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.example.fixtures.Calls;
import com.example.fixtures.Fanout;
import io.depcache.CacheEventListener;
import io.depcache.CacheEventType;
import io.depcache.DepCache;
import io.depcache.agent.AgentMain;
import io.depcache.testing.TestRedis;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A cached call's context goes with the tasks it gives to the JDK's executors: what such a task
 * declares, and what a cached call that it makes depends on, belong to the call. Every executor
 * here has run a task before the agent is installed, so its class was loaded (and is rewritten by
 * retransformation) and its threads already run.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExecutorPropagationTest {
  private final Fanout fanout = new Fanout();
  private final ExecutorService fixed = Executors.newFixedThreadPool(2);
  private final ForkJoinPool forkJoin = new ForkJoinPool(2);
  private final ScheduledExecutorService scheduled = Executors.newScheduledThreadPool(1);
  private final Map<String, Set<String>> stored = new ConcurrentHashMap<>();
  private final CacheEventListener onSet = event -> stored.put(event.key(), event.dependencies());
  private AgentMain.Installation installation;

  @BeforeAll
  void install() throws Exception {
    fixed.submit(() -> "warm").get();
    forkJoin.submit(() -> "warm").get();
    ForkJoinPool.commonPool().submit(() -> "warm").get();
    scheduled.schedule(() -> "warm", 1, MILLISECONDS).get();
    CompletableFuture.supplyAsync(() -> "warm").thenApplyAsync(v -> v).get();
    installation =
        AgentTestSupport.install(
            Map.of(
                "depcache.redis.url",
                TestRedis.url(),
                // what is tested is where dependencies go, not how fast a busy machine answers
                "depcache.redis.timeout-ms",
                "5000",
                "depcache.prefix",
                AgentTestSupport.uniquePrefix()));
    DepCache.manager().events().on(CacheEventType.SET, onSet);
  }

  @AfterAll
  void uninstall() {
    DepCache.manager().events().off(CacheEventType.SET, onSet);
    installation.uninstall();
    fixed.shutdownNow();
    forkJoin.shutdownNow();
    scheduled.shutdownNow();
  }

  @BeforeEach
  void reset() {
    Calls.reset();
  }

  @Test
  void tasksOnAThreadPoolDeclareForTheCall() throws Exception {
    assertDependsOn(
        "fixed",
        () -> {
          CountDownLatch executed = new CountDownLatch(1);
          fixed.execute(
              () -> {
                DepCache.addDependency("fixed:0");
                executed.countDown();
              });
          Future<?> submitted = fixed.submit(declaring("fixed:1"));
          Future<String> called = fixed.submit(returning("fixed:2"));
          List<Future<String>> all = fixed.invokeAll(List.of(returning("fixed:3")));
          assertThat(executed.await(10, SECONDS)).isTrue();
          submitted.get(10, SECONDS);
          called.get(10, SECONDS);
          all.get(0).get(10, SECONDS);
          return "fixed";
        },
        "fixed:0",
        "fixed:1",
        "fixed:2",
        "fixed:3");
  }

  @Test
  void tasksOnForkJoinPoolsDeclareForTheCall() throws Exception {
    assertDependsOn(
        "forkjoin",
        () -> {
          ForkJoinPool common = ForkJoinPool.commonPool();
          Future<String> called = common.submit(returning("forkjoin:0"));
          CountDownLatch executed = new CountDownLatch(1);
          common.execute(
              () -> {
                DepCache.addDependency("forkjoin:1");
                executed.countDown();
              });
          Future<?> submitted = forkJoin.submit(declaring("forkjoin:2"));
          Future<String> withResult = forkJoin.submit(declaring("forkjoin:3"), "done");
          List<Future<String>> all = forkJoin.invokeAll(List.of(returning("forkjoin:4")));
          String any = forkJoin.invokeAny(List.of(returning("forkjoin:5")));
          called.get(10, SECONDS);
          assertThat(executed.await(10, SECONDS)).isTrue();
          submitted.get(10, SECONDS);
          assertThat(withResult.get(10, SECONDS)).isEqualTo("done");
          all.get(0).get(10, SECONDS);
          return "forkjoin " + any;
        },
        "forkjoin:0",
        "forkjoin:1",
        "forkjoin:2",
        "forkjoin:3",
        "forkjoin:4",
        "forkjoin:5");
  }

  /**
   * On a machine whose common pool has a parallelism of 1 (two cores) JDK 17 runs these stages on a
   * thread each, otherwise on the common pool. The second stage is attached before the first
   * completes, so it is handed to the executor by the thread that ran the first.
   */
  @Test
  void completableFutureStagesOnTheDefaultExecutorDeclareForTheCall() throws Exception {
    assertDependsOn(
        "async",
        () -> {
          CountDownLatch attached = new CountDownLatch(1);
          CompletableFuture<String> first =
              CompletableFuture.supplyAsync(
                  () -> {
                    await(attached);
                    DepCache.addDependency("async:0");
                    return "a";
                  });
          CompletableFuture<String> second =
              first.thenApplyAsync(
                  value -> {
                    DepCache.addDependency("async:1");
                    return value + "b";
                  });
          attached.countDown();
          String value = second.get(10, SECONDS);
          // a stage of a future already complete is handed over by this thread
          return CompletableFuture.completedFuture(value)
              .thenApplyAsync(
                  v -> {
                    DepCache.addDependency("async:2");
                    return v + "c";
                  })
              .thenAcceptBothAsync(CompletableFuture.runAsync(declaring("async:3")), (v, u) -> {})
              .thenApply(v -> value)
              .get(10, SECONDS);
        },
        "async:0",
        "async:1",
        "async:2",
        "async:3");
  }

  @Test
  void completableFutureStagesOnGivenExecutorsDeclareForTheCall() throws Exception {
    assertDependsOn(
        "given",
        () -> {
          CountDownLatch attached = new CountDownLatch(1);
          CompletableFuture<String> first =
              CompletableFuture.supplyAsync(
                  () -> {
                    await(attached);
                    DepCache.addDependency("given:0");
                    return "a";
                  },
                  fixed);
          CompletableFuture<String> second =
              first.thenApplyAsync(
                  value -> {
                    DepCache.addDependency("given:1");
                    return value + "b";
                  },
                  forkJoin);
          attached.countDown();
          CompletableFuture<String> onCommonPool =
              CompletableFuture.supplyAsync(
                  () -> {
                    DepCache.addDependency("given:2");
                    return "c";
                  },
                  ForkJoinPool.commonPool());
          CompletableFuture<Void> delayed =
              CompletableFuture.runAsync(
                  declaring("given:3"), CompletableFuture.delayedExecutor(20, MILLISECONDS));
          CompletableFuture<Void> delayedOnPool =
              CompletableFuture.runAsync(
                  declaring("given:4"), CompletableFuture.delayedExecutor(20, MILLISECONDS, fixed));
          onCommonPool.get(10, SECONDS);
          delayed.get(10, SECONDS);
          delayedOnPool.get(10, SECONDS);
          return second.get(10, SECONDS);
        },
        "given:0",
        "given:1",
        "given:2",
        "given:3",
        "given:4");
  }

  @Test
  void tasksOnAScheduledExecutorDeclareForTheCall() throws Exception {
    assertDependsOn(
        "scheduled",
        () -> {
          Future<?> runnable = scheduled.schedule(declaring("scheduled:0"), 10, MILLISECONDS);
          Future<String> callable = scheduled.schedule(returning("scheduled:1"), 10, MILLISECONDS);
          Future<String> submitted = scheduled.submit(returning("scheduled:2"));
          CountDownLatch executed = new CountDownLatch(1);
          scheduled.execute(
              () -> {
                DepCache.addDependency("scheduled:3");
                executed.countDown();
              });
          runnable.get(10, SECONDS);
          callable.get(10, SECONDS);
          submitted.get(10, SECONDS);
          assertThat(executed.await(10, SECONDS)).isTrue();
          return "scheduled";
        },
        "scheduled:0",
        "scheduled:1",
        "scheduled:2",
        "scheduled:3");
  }

  @Test
  void tasksOnVirtualThreadsDeclareForTheCall() throws Exception {
    assumeTrue(
        Runtime.version().feature() >= 21,
        "virtual threads need JDK 21+, this is JDK "
            + Runtime.version()
            + " (ExecutorPropagationIT covers them on JDK 25)");
    ExecutorService virtual =
        (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
    try {
      assertDependsOn(
          "virtual",
          () -> {
            CountDownLatch executed = new CountDownLatch(1);
            virtual.execute(
                () -> {
                  DepCache.addDependency("virtual:0");
                  executed.countDown();
                });
            Future<?> submitted = virtual.submit(declaring("virtual:1"));
            Future<String> called = virtual.submit(returning("virtual:2"));
            List<Future<String>> all = virtual.invokeAll(List.of(returning("virtual:3")));
            String any = virtual.invokeAny(List.of(returning("virtual:4")));
            assertThat(executed.await(10, SECONDS)).isTrue();
            submitted.get(10, SECONDS);
            called.get(10, SECONDS);
            all.get(0).get(10, SECONDS);
            return "virtual " + any;
          },
          "virtual:0",
          "virtual:1",
          "virtual:2",
          "virtual:3",
          "virtual:4");
    } finally {
      virtual.shutdownNow();
    }
  }

  @Test
  void aCachedCallThatATaskMakesHandsItsDependenciesToTheCall() throws Exception {
    Callable<String> work = () -> fixed.submit(() -> fanout.inner("n")).get(10, SECONDS);
    fanout.compute("nested-miss", work);
    assertThat(Calls.count("inner:n")).isEqualTo(1);
    // the inner call is a hit now: its entry hands its dependencies over as well
    fanout.compute("nested-hit", work);
    assertThat(Calls.count("inner:n")).isEqualTo(1);
    assertThat(stored.get("fanout:nested-miss")).containsExactly("inner-dep:n");
    assertThat(stored.get("fanout:nested-hit")).containsExactly("inner-dep:n");

    assertThat(DepCache.manager().invalidateDependency("inner-dep:n")).isEqualTo(3);
    fanout.compute("nested-miss", work);
    fanout.compute("nested-hit", work);
    assertThat(Calls.count("fanout:nested-miss")).isEqualTo(2);
    assertThat(Calls.count("fanout:nested-hit")).isEqualTo(2);
  }

  @Test
  void outsideACachedCallTheExecutorGetsTheTaskItself() throws Exception {
    RecordingPool pool = new RecordingPool();
    try {
      Runnable task = () -> {};
      pool.execute(task);
      assertThat(pool.nextRan()).isSameAs(task);
      fanout.compute(
          "recorded",
          () -> {
            pool.execute(task);
            return "recorded";
          });
      assertThat(pool.nextRan()).as("inside a call, a task that carries it").isNotSameAs(task);
      pool.execute(task);
      assertThat(pool.nextRan()).as("after the call").isSameAs(task);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void afterExecuteStillSeesTheFutureOfATaskSubmittedInACachedCall() throws Exception {
    RecordingPool pool = new RecordingPool();
    try {
      fanout.compute("future", () -> pool.submit(returning("future:0")).get(10, SECONDS));
      assertThat(pool.nextRan()).isInstanceOf(Future.class);
      assertThat(pool.nextOutcome()).isEqualTo("future:0");
      assertThat(stored.get("fanout:future")).containsExactly("future:0");
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * Computes {@code fanout:<id>} by {@code work}, then checks what its entry depends on, that the
   * next call is a hit, and that invalidating {@code <id>:1} makes the one after a miss.
   */
  private void assertDependsOn(String id, Callable<String> work, String... expected)
      throws Exception {
    String value = fanout.compute(id, work);
    assertThat(stored.get("fanout:" + id))
        .as("the dependencies of fanout:%s", id)
        .containsExactlyInAnyOrder(expected);
    assertThat(fanout.compute(id, work)).isEqualTo(value);
    assertThat(Calls.count("fanout:" + id)).as("calls computed, the second a hit").isEqualTo(1);
    assertThat(DepCache.manager().invalidateDependency(id + ":1")).isEqualTo(1);
    fanout.compute(id, work);
    assertThat(Calls.count("fanout:" + id)).as("calls computed after invalidating").isEqualTo(2);
  }

  private static Runnable declaring(String dependency) {
    return () -> DepCache.addDependency(dependency);
  }

  private static Callable<String> returning(String dependency) {
    return () -> {
      DepCache.addDependency(dependency);
      return dependency;
    };
  }

  private static void await(CountDownLatch latch) {
    try {
      if (!latch.await(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException("not released in time");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
