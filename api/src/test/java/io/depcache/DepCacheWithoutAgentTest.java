package io.depcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Without the agent every part of the API is a harmless no-op and cached methods just run. */
class DepCacheWithoutAgentTest {
  private final AtomicInteger bodies = new AtomicInteger();

  @DepCached(ttl = 60, dependencies = "thing:{0}")
  String cached(long id) {
    bodies.incrementAndGet();
    DepCache.addDependency("thing:" + id);
    DepCache.addDependency("thing:" + id, "other");
    DepCache.setTtl(5);
    return "thing" + id + ":" + DepCache.currentCacheKey();
  }

  @Test
  void aCachedMethodRunsItsBodyEveryTime() {
    assertThat(cached(1)).isEqualTo("thing1:null");
    assertThat(cached(1)).isEqualTo("thing1:null");
    assertThat(bodies).hasValue(2);
  }

  @Test
  void theFacadeDoesNothing() {
    assertThat(DepCache.isAgentActive()).isFalse();
    assertThat(DepCache.currentCacheKey()).isNull();
    DepCache.addDependency("user:1");
    DepCache.addDependency("user:1", "reports");
    DepCache.addDependency(null);
    DepCache.setTtl(10);
    DepCache.setTtl(-5);
    assertThat(DepCache.currentCacheKey()).isNull();
  }

  @Test
  void managersAreDisabledAndNamed() {
    assertThat(DepCache.manager().name()).isEqualTo("default");
    assertThat(DepCache.manager("reports").name()).isEqualTo("reports");
    assertThat(DepCache.manager("").name()).isEqualTo("default");
    assertThat(DepCache.manager(null).name()).isEqualTo("default");
    assertThat(DepCache.manager().toString()).contains("disabled");
  }

  @Test
  void aDisabledManagerStoresAndFindsNothing() {
    CacheManager manager = DepCache.manager();
    manager.set("k", "v");
    manager.set("k2", "v2", 60, List.of("d"));
    assertThat(manager.<Object>get("k")).isNull();
    assertThat(manager.exists("k")).isFalse();
    assertThat(manager.ttl("k")).isEqualTo(-2);
    assertThat(manager.delete("k", "k2")).isZero();
    assertThat(manager.invalidateDependency("d")).isZero();
    assertThat(manager.invalidateDependencies(List.of("d", "e"))).isZero();
    assertThat(manager.clear()).isZero();
  }

  @Test
  void getOrComputeRunsTheLoaderEveryTime() {
    CacheManager manager = DepCache.manager();
    AtomicInteger loads = new AtomicInteger();
    assertThat(manager.getOrCompute("k", 60, () -> "v" + loads.incrementAndGet())).isEqualTo("v1");
    assertThat(manager.getOrCompute("k", 60, () -> "v" + loads.incrementAndGet())).isEqualTo("v2");
    assertThat(manager.<Object>getOrCompute("k", -1, () -> null)).isNull();
  }

  @Test
  void getOrComputeWrapsCheckedExceptionsAndRethrowsUncheckedOnes() {
    CacheManager manager = DepCache.manager();
    IOException checked = new IOException("disk");
    assertThatThrownBy(
            () ->
                manager.getOrCompute(
                    "k",
                    60,
                    () -> {
                      throw checked;
                    }))
        .isExactlyInstanceOf(DepCacheException.class)
        .hasMessageContaining("'k'")
        .hasCause(checked);
    IllegalStateException unchecked = new IllegalStateException("bug");
    assertThatThrownBy(
            () ->
                manager.getOrCompute(
                    "k",
                    60,
                    () -> {
                      throw unchecked;
                    }))
        .isSameAs(unchecked);
    assertThatThrownBy(() -> manager.getOrCompute("k", 60, null))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void eventsAcceptListenersAndNeverFire() {
    CacheManager manager = DepCache.manager();
    AtomicInteger seen = new AtomicInteger();
    CacheEventListener listener = e -> seen.incrementAndGet();
    manager.events().on(CacheEventType.HIT, listener);
    manager.events().onAll(listener);
    manager.getOrCompute("k", 60, () -> "v");
    manager.set("k", "v");
    manager.get("k");
    manager.invalidateDependency("d");
    manager.events().off(CacheEventType.HIT, listener);
    manager.events().offAll(listener);
    assertThat(seen).hasValue(0);
    assertThatThrownBy(() -> manager.events().onAll(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void asyncOperationsCompleteWithTheDisabledAnswers() throws Exception {
    AsyncCacheManager async = DepCache.manager("reports").async();
    assertThat(async.name()).isEqualTo("reports");
    assertThat(async.<Object>get("k").get(10, TimeUnit.SECONDS)).isNull();
    assertThat(async.exists("k").get(10, TimeUnit.SECONDS)).isFalse();
    assertThat(async.set("k", "v").get(10, TimeUnit.SECONDS)).isNull();
    assertThat(async.set("k", "v", 60, List.of("d")).get(10, TimeUnit.SECONDS)).isNull();
    assertThat(async.delete("k").get(10, TimeUnit.SECONDS)).isZero();
    assertThat(async.invalidateDependency("d").get(10, TimeUnit.SECONDS)).isZero();
    assertThat(async.invalidateDependencies(List.of("d")).get(10, TimeUnit.SECONDS)).isZero();
    assertThat(async.clear().get(10, TimeUnit.SECONDS)).isZero();
    assertThat(async.ttl("k").get(10, TimeUnit.SECONDS)).isEqualTo(-2);
    AtomicInteger loads = new AtomicInteger();
    CompletableFuture<String> first =
        async.getOrCompute("k", 60, () -> "v" + loads.incrementAndGet());
    assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("v1");
    assertThat(
            async
                .getOrCompute("k", 60, () -> "v" + loads.incrementAndGet())
                .get(10, TimeUnit.SECONDS))
        .isEqualTo("v2");
    CompletableFuture<Object> failing =
        async.getOrCompute(
            "k",
            60,
            () -> {
              throw new IOException("disk");
            });
    assertThatThrownBy(() -> failing.get(10, TimeUnit.SECONDS))
        .hasCauseInstanceOf(DepCacheException.class);
  }
}
