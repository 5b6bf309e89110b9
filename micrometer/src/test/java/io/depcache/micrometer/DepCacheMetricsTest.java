package io.depcache.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.metrics.Prices;
import io.depcache.CacheEventListener;
import io.depcache.CacheEventType;
import io.depcache.DepCache;
import io.depcache.agent.AgentMain;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The meters after known traffic through the real agent. */
class DepCacheMetricsTest {
  private static final String METHOD = "com.example.metrics.Prices#price(java.lang.String)";
  private AgentMain.Installation installation;

  @AfterEach
  void uninstall() {
    if (installation != null) {
      installation.uninstall();
    }
  }

  /** Waits until the agent registered the MBean that the meter reads, and the binder bound it. */
  private static FunctionCounter await(SimpleMeterRegistry registry, String name, String... tags)
      throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (true) {
      FunctionCounter counter = registry.find(name).tags(tags).functionCounter();
      if (counter != null) {
        return counter;
      }
      assertThat(System.nanoTime()).as(name + " bound").isLessThan(deadline);
      Thread.sleep(10);
    }
  }

  @Test
  void bindsManagersAndMethodsThatAppearAfterBindingAndCountTheirTraffic() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (DepCacheMetrics metrics = new DepCacheMetrics()) {
      metrics.bindTo(registry); // before the agent: every manager and method is a future one
      assertThat(registry.get("depcache.agent.active").gauge().value()).isZero();
      installation = Agent.install();
      Prices prices = new Prices();
      prices.price("a"); // miss
      prices.price("a"); // hit
      prices.price("b"); // miss
      prices.price("a"); // hit
      prices.price("b"); // hit
      assertThat(prices.computed).hasValue(2);
      assertThat(await(registry, "cache.gets", "cache", "default", "result", "hit").count())
          .isEqualTo(3);
      assertThat(await(registry, "cache.gets", "cache", "default", "result", "miss").count())
          .isEqualTo(2);
      assertThat(await(registry, "cache.puts", "cache", "default").count()).isEqualTo(2);
      assertThat(DepCache.manager().invalidateDependency("sku:a")).isEqualTo(1);
      assertThat(await(registry, "depcache.invalidations", "cache", "default").count())
          .isEqualTo(1);
      assertThat(await(registry, "cache.evictions", "cache", "default").count()).isEqualTo(1);
      assertThat(await(registry, "depcache.errors", "cache", "default").count()).isZero();
      assertThat(await(registry, "depcache.method.gets", "method", METHOD, "result", "hit").count())
          .isEqualTo(3);
      assertThat(
              await(registry, "depcache.method.gets", "method", METHOD, "result", "miss").count())
          .isEqualTo(2);
      FunctionTimer misses =
          registry
              .get("depcache.method.miss.duration")
              .tags("cache", "default", "method", METHOD)
              .functionTimer();
      assertThat(misses.count()).isEqualTo(2);
      assertThat(misses.totalTime(TimeUnit.MILLISECONDS)).isGreaterThanOrEqualTo(10);
      assertThat(registry.get("depcache.agent.active").gauge().value()).isEqualTo(1);
    }
  }

  @Test
  void countsTheHitsThatTheNearCacheServedApartAndAmongTheHits() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (DepCacheMetrics metrics = new DepCacheMetrics()) {
      metrics.bindTo(registry);
      installation = Agent.installNear();
      Prices prices = new Prices();
      prices.price("w"); // miss, written, so kept near
      FunctionCounter near = null;
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (near == null || near.count() == 0) { // until the subscription serves near hits
        assertThat(System.nanoTime()).as("near hits served").isLessThan(deadline);
        Thread.sleep(10);
        prices.price("w");
        near = registry.find("depcache.near.hits").tags("cache", "default").functionCounter();
      }
      FunctionCounter hits = await(registry, "cache.gets", "cache", "default", "result", "hit");
      FunctionCounter methodNear = await(registry, "depcache.method.near.hits", "method", METHOD);
      double hitsBefore = hits.count();
      double nearBefore = near.count();
      double methodNearBefore = methodNear.count();

      AtomicReference<String> key = new AtomicReference<>();
      CacheEventListener keyOfMiss = e -> key.set(e.key());
      DepCache.manager().events().on(CacheEventType.MISS, keyOfMiss);
      prices.price("n"); // miss, written, so kept near
      DepCache.manager().events().offAll(keyOfMiss);
      prices.price("n"); // near hit
      prices.price("n"); // near hit
      assertThat(prices.computed).hasValue(2);
      assertThat(hits.count() - hitsBefore).isEqualTo(2);
      assertThat(near.count() - nearBefore).isEqualTo(2);
      assertThat(methodNear.count() - methodNearBefore).isEqualTo(2);
      // a hit of the store (CacheManager.get reads Redis) is a hit, not a near one
      assertThat(DepCache.manager().<String>get(key.get())).isEqualTo("n=42");
      assertThat(hits.count() - hitsBefore).isEqualTo(3);
      assertThat(near.count() - nearBefore).isEqualTo(2);
    }
  }

  @Test
  void bindsManagersThatExistedBeforeBinding() throws Exception {
    installation = Agent.install();
    Prices prices = new Prices();
    prices.price("c");
    prices.price("c");
    long deadline = System.nanoTime() + 10_000_000_000L;
    SimpleMeterRegistry registry;
    do {
      assertThat(System.nanoTime()).as("MBeans registered").isLessThan(deadline);
      Thread.sleep(10);
      registry = new SimpleMeterRegistry();
      new DepCacheMetrics().bindTo(registry);
    } while (registry.find("depcache.method.gets").functionCounters().isEmpty()
        || registry.find("cache.gets").functionCounters().isEmpty());
    assertThat(registry.get("cache.gets").tags("result", "hit").functionCounter().count())
        .isEqualTo(1);
    assertThat(
            registry.get("depcache.method.gets").tags("result", "miss").functionCounter().count())
        .isEqualTo(1);
  }
}
