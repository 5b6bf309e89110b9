package io.depcache.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.example.fixtures.Calls;
import com.example.fixtures.ReactiveCatalog;
import io.depcache.DepCache;
import io.depcache.agent.AgentMain;
import io.depcache.testing.TestRedis;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

/**
 * Cached methods that return {@code Mono} and {@code Flux}, with reactor-core on the class path as
 * an application has it (the agent does not depend on it): cached by value, an empty Mono as empty,
 * a Flux by its elements, computed when first subscribed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReactorCachingTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  private AgentMain.Installation installation;
  private ReactiveCatalog catalog;

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
    DepCache.manager().invalidateDependency("setup"); // the store has a sequence
    Calls.reset();
    catalog = new ReactiveCatalog();
  }

  @AfterAll
  void tearDown() {
    if (installation != null) {
      installation.uninstall();
    }
  }

  /** The write of a completed call goes on behind it. */
  private static void settle() throws InterruptedException {
    TimeUnit.MILLISECONDS.sleep(200);
  }

  @Test
  void aMonoIsCachedByItsValueAndComputedOnlyWhenSubscribed() throws Exception {
    Mono<String> first = catalog.item(1);
    assertThat(Calls.count("item subscribed")).as("nothing runs before a subscription").isZero();
    assertThat(first.block(WAIT)).isEqualTo("item1");
    assertThat(first.block(WAIT)).as("subscribed again: the same outcome").isEqualTo("item1");
    settle();

    assertThat(catalog.item(1).block(WAIT)).isEqualTo("item1");
    assertThat(Calls.count("item")).isEqualTo(1);
    assertThat(Calls.count("item subscribed")).isEqualTo(1);

    DepCache.manager().invalidateDependency("mapped:1"); // declared in an operator
    assertThat(catalog.item(1).block(WAIT)).isEqualTo("item1");
    assertThat(Calls.count("item")).isEqualTo(2);
  }

  @Test
  void aDependencyDeclaredOnAReactorSchedulerBelongsToTheCall() throws Exception {
    assertThat(catalog.scheduled(5).block(WAIT)).isEqualTo("scheduled5 on parallel");
    settle();
    assertThat(catalog.scheduled(5).block(WAIT)).isEqualTo("scheduled5 on parallel");
    assertThat(Calls.count("scheduled")).isEqualTo(1);

    DepCache.manager().invalidateDependency("scheduled:5");
    catalog.scheduled(5).block(WAIT);
    assertThat(Calls.count("scheduled")).isEqualTo(2);
  }

  @Test
  void anEmptyMonoIsCachedAsEmpty() throws Exception {
    assertThat(catalog.nothing(1).block(WAIT)).isNull();
    settle();
    assertThat(catalog.nothing(1).hasElement().block(WAIT)).isFalse();
    assertThat(Calls.count("nothing")).isEqualTo(1);
  }

  @Test
  void aFluxIsCachedByItsElementsAndReplayedOnAHit() throws Exception {
    assertThat(catalog.digits(4).collectList().block(WAIT)).containsExactly(0, 1, 2, 3);
    settle();
    assertThat(catalog.digits(4).collectList().block(WAIT)).containsExactly(0, 1, 2, 3);
    assertThat(Calls.count("digits")).isEqualTo(1);

    DepCache.manager().invalidateDependency("item:4");
    assertThat(catalog.digits(4).collectList().block(WAIT)).containsExactly(0, 1, 2, 3);
    assertThat(Calls.count("digits")).isEqualTo(2);
  }

  @Test
  void anErrorIsNotCached() {
    assertThatThrownBy(() -> catalog.failing(1).block(WAIT)).hasMessageContaining("boom 1");
    assertThatThrownBy(() -> catalog.failing(1).block(WAIT)).hasMessageContaining("boom 1");
    assertThat(Calls.count("failing")).isEqualTo(2);
  }

  @Test
  void anInvalidationWhileTheMonoIsPendingKeepsItsValueOut() throws Exception {
    Mono<String> pending = catalog.pending(2);
    Disposable subscription = pending.subscribe();
    DepCache.manager().invalidateDependency("item:2");
    catalog.sinks.get(2).tryEmitValue("old");
    assertThat(pending.block(WAIT)).isEqualTo("old");
    subscription.dispose();
    settle();

    Mono<String> again = catalog.pending(2);
    assertThat(Calls.count("pending")).as("not stored: computed again").isEqualTo(2);
    again.subscribe();
    catalog.sinks.get(2).tryEmitValue("new");
    assertThat(again.block(WAIT)).isEqualTo("new");
  }

  @Test
  void cancellingOneSubscriptionLeavesTheComputationAndTheOthers() throws Exception {
    Mono<String> pending = catalog.pending(3);
    Disposable cancelled = pending.subscribe();
    cancelled.dispose();
    catalog.sinks.get(3).tryEmitValue("three");

    assertThat(pending.block(WAIT)).isEqualTo("three");
    settle();
    assertThat(catalog.pending(3).block(WAIT)).isEqualTo("three");
    assertThat(Calls.count("pending")).isEqualTo(1);
  }
}
