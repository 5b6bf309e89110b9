package io.depcache.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.example.fixtures.AsyncCatalog;
import com.example.fixtures.Calls;
import com.example.fixtures.NotFoundException;
import io.depcache.CallContext;
import io.depcache.DepCache;
import io.depcache.agent.AgentMain;
import io.depcache.testing.TestRedis;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Cached methods that return {@code CompletableFuture} and {@code CompletionStage}, through the
 * real agent and a real Redis: cached by their completed value, a result of its own for every
 * caller, and every guarantee of a synchronous call.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AsyncCachingTest {
  private AgentMain.Installation installation;
  private AsyncCatalog catalog;

  @BeforeEach
  void setUp() {
    if (installation == null) {
      installation =
          AgentTestSupport.install(
              Map.of(
                  "depcache.redis.url",
                  TestRedis.url(),
                  "depcache.prefix",
                  AgentTestSupport.uniquePrefix()));
    }
    DepCache.manager().clear();
    Calls.reset();
    catalog = new AsyncCatalog();
  }

  @AfterAll
  void tearDown() {
    if (installation != null) {
      installation.uninstall();
    }
  }

  private static <T> T await(CompletableFuture<T> future) throws Exception {
    return future.get(10, TimeUnit.SECONDS);
  }

  /** Once its future completed, a call's write goes on behind it: wait until it is a hit. */
  private void awaitStored(int id) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      if (DepCache.manager().exists(catalog.lastContext.cacheKey())) {
        return;
      }
      Thread.sleep(5);
    }
    throw new AssertionError("item " + id + " was not stored");
  }

  @Test
  void aMissReturnsAtOnceAndAHitReturnsANewCompletedFuture() throws Exception {
    CompletableFuture<String> first = catalog.item(1);
    assertThat(first).as("the body's future is still pending").isNotDone();
    assertThat(first).as("the caller's own future").isNotSameAs(catalog.pending.get(1));

    catalog.complete(1);
    assertThat(await(first)).isEqualTo("item1");
    awaitStored(1);

    CompletableFuture<String> second = catalog.item(1);
    CompletableFuture<String> third = catalog.item(1);
    assertThat(second).isCompleted().isNotSameAs(third);
    assertThat(await(second)).isEqualTo("item1");
    assertThat(Calls.count("item")).isEqualTo(1);
  }

  @Test
  void aCompletionStageIsCachedByItsValueWithTheTypeOfItsValueChecked() throws Exception {
    assertThat(await(catalog.ids(4).toCompletableFuture())).containsExactly(4L, 5L);
    Thread.sleep(50);
    assertThat(await(catalog.ids(4).toCompletableFuture())).containsExactly(4L, 5L);
    assertThat(Calls.count("ids")).isEqualTo(1);
  }

  @Test
  void anInvalidationWhileTheFutureIsPendingKeepsItsValueOut() throws Exception {
    DepCache.manager().invalidateDependency("item:other"); // the store has a sequence already
    CompletableFuture<String> pending = catalog.item(5);
    DepCache.manager().invalidateDependency("item:5");
    catalog.complete(5);
    assertThat(await(pending)).as("its caller still gets it").isEqualTo("item5");
    Thread.sleep(200); // a write would have landed by now

    CompletableFuture<String> again = catalog.item(5);
    assertThat(Calls.count("item")).as("computed again: the first was not stored").isEqualTo(2);
    catalog.complete(5);
    assertThat(await(again)).isEqualTo("item5");
  }

  @Test
  void cancellingOnesOwnFutureCancelsNeitherTheComputationNorAnotherCaller() throws Exception {
    CompletableFuture<String> leader = catalog.item(6);
    CompletableFuture<String> waiter = catalog.item(6);
    assertThat(Calls.count("item")).as("the second call joined the first").isEqualTo(1);

    leader.cancel(true);
    assertThat(catalog.pending.get(6)).as("the computation").isNotCancelled();
    CompletableFuture<String> third = catalog.item(6);
    third.complete("forged by a caller");
    catalog.complete(6);

    assertThat(await(waiter)).isEqualTo("item6");
    awaitStored(6);
    assertThat(await(catalog.item(6))).isEqualTo("item6");
    assertThat(Calls.count("item")).isEqualTo(1);
  }

  @Test
  void anExceptionIsCachedOnlyWhenListedAndComesBackAsAFailedFuture() throws Exception {
    assertThatThrownBy(() -> await(catalog.find(-1)))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(NotFoundException.class);
    Thread.sleep(100);
    CompletableFuture<String> again = catalog.find(-1);
    assertThat(again).isCompletedExceptionally();
    assertThatThrownBy(again::join)
        .isInstanceOf(CompletionException.class)
        .hasCauseInstanceOf(NotFoundException.class)
        .hasMessageContaining("no item -1");
    assertThat(Calls.count("find")).isEqualTo(1);

    assertThatThrownBy(() -> await(catalog.failing(1)))
        .hasCauseInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> await(catalog.failing(1)))
        .hasCauseInstanceOf(IllegalStateException.class);
    assertThat(Calls.count("failing")).as("not listed: never cached").isEqualTo(2);
  }

  @Test
  void anOuterAsynchronousCallInheritsTheDependenciesOfTheInnerOneItWaitsFor() throws Exception {
    CompletableFuture<String> summary = catalog.summary(7);
    catalog.complete(7);
    assertThat(await(summary)).isEqualTo("summary of item7");
    Thread.sleep(200);
    assertThat(await(catalog.summary(7))).isEqualTo("summary of item7");
    assertThat(Calls.count("summary")).isEqualTo(1);

    DepCache.manager().invalidateDependency("item:7");
    CompletableFuture<String> recomputed = catalog.summary(7);
    assertThat(Calls.count("summary")).as("the inner miss's dependency reached it").isEqualTo(2);
    catalog.complete(7);
    assertThat(await(recomputed)).isEqualTo("summary of item7");
  }

  @Test
  void anOuterCallInheritsTheDependenciesOfAnInnerHit() throws Exception {
    CompletableFuture<String> inner = catalog.item(8);
    catalog.complete(8);
    await(inner);
    awaitStored(8);

    assertThat(await(catalog.summary(8))).isEqualTo("summary of item8");
    Thread.sleep(200);
    DepCache.manager().invalidateDependency("item:8");
    catalog.summary(8);
    assertThat(Calls.count("summary")).isEqualTo(2);
  }

  @Test
  void aSynchronousCallThatJoinsAnAsynchronousOneInheritsItsDependencies() throws Exception {
    CompletableFuture<String> joined = CompletableFuture.supplyAsync(() -> catalog.joined(9));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (catalog.pending.get(9) == null && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    catalog.complete(9);
    assertThat(await(joined)).isEqualTo("item9 joined");
    assertThat(catalog.joined(9)).isEqualTo("item9 joined");
    assertThat(Calls.count("joined")).isEqualTo(1);

    CompletableFuture<String> first = catalog.pending.get(9);
    DepCache.manager().invalidateDependency("item:9");
    CompletableFuture<String> again = CompletableFuture.supplyAsync(() -> catalog.joined(9));
    // the new body's future, not the first one's: joined counts itself before item(9) runs
    while ((Calls.count("joined") < 2 || catalog.pending.get(9) == first)
        && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(Calls.count("joined")).isEqualTo(2);
    catalog.complete(9);
    await(again);
  }

  @Test
  void aDependencyDeclaredThroughTheContextOnAnotherThreadCountsUntilTheValueIsStored()
      throws Exception {
    CompletableFuture<String> result = catalog.declaredElsewhere(3);
    CompletableFuture.runAsync(() -> catalog.triggers.get(3).complete(null)).join();
    assertThat(await(result)).isEqualTo("elsewhere3");
    Thread.sleep(200);
    catalog.declaredElsewhere(3);
    assertThat(Calls.count("declaredElsewhere")).isEqualTo(1);

    DepCache.manager().invalidateDependency("elsewhere:3");
    catalog.declaredElsewhere(3);
    assertThat(Calls.count("declaredElsewhere")).isEqualTo(2);
  }

  @Test
  void theContextIsInactiveOnceTheValueIsStoredAndOutsideACall() throws Exception {
    assertThat(DepCache.currentContext().isActive()).isFalse();
    assertThat(DepCache.currentContext().cacheKey()).isNull();

    CompletableFuture<String> pending = catalog.item(10);
    CallContext context = catalog.lastContext;
    assertThat(context.isActive()).isTrue();
    assertThat(context.cacheKey())
        .startsWith("com.example.fixtures.AsyncCatalog#item")
        .endsWith("(10)");
    catalog.complete(10);
    await(pending);
    assertThat(context.isActive()).isFalse();
    context.addDependency("too:late"); // ignored, reported once
    awaitStored(10);

    DepCache.manager().invalidateDependency("too:late");
    catalog.item(10);
    assertThat(Calls.count("item")).as("the late dependency did not count").isEqualTo(1);
  }
}
