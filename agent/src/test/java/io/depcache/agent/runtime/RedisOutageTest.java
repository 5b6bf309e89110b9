package io.depcache.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.example.fixtures.AsyncCatalog;
import com.example.fixtures.Calls;
import com.example.fixtures.Catalog;
import com.example.fixtures.ReactiveCatalog;
import io.depcache.CacheEvent;
import io.depcache.CacheEventType;
import io.depcache.CacheManager;
import io.depcache.DepCache;
import io.depcache.DepCacheException;
import io.depcache.agent.AgentMain;
import io.depcache.testing.RedisServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.RedisClient;

/**
 * What cached calls and manual operations do while the Redis behind them is down, and after it
 * comes back (DESIGN.md, "Fail-open"): every test owns its redis-server and its agent installation.
 */
class RedisOutageTest {
  private static final int TIMEOUT_MS = 200;
  // Checks that no call hangs, not how fast it is: ten times the configured timeout.
  private static final Duration NO_HANG = Duration.ofMillis(10L * TIMEOUT_MS);

  /** The promise: caching resumes within a second of Redis answering again. */
  private static final Duration RESUME_WITHIN = Duration.ofSeconds(1);

  private RedisServer server;
  private AgentMain.Installation installation;
  private final List<CacheEvent> errors = new CopyOnWriteArrayList<>();
  private final Catalog catalog = new Catalog();

  @BeforeEach
  void startRedis() {
    server = RedisServer.start();
    Calls.reset();
  }

  @AfterEach
  void tearDown() {
    try {
      if (installation != null) {
        installation.uninstall();
      }
    } finally {
      server.close();
    }
  }

  private CacheManager install(String onError) {
    installation =
        AgentTestSupport.install(
            Map.of(
                "depcache.redis.url", server.url(),
                "depcache.redis.timeout-ms", Integer.toString(TIMEOUT_MS),
                "depcache.on-error", onError,
                "depcache.prefix", AgentTestSupport.uniquePrefix()));
    CacheManager manager = DepCache.manager();
    manager.events().on(CacheEventType.ERROR, errors::add);
    return manager;
  }

  @Test
  void whileRedisIsDownCachedCallsRunTheirBodiesWithoutHangingAndErrorsAreReported() {
    CacheManager manager = install("bypass");
    assertThat(catalog.item(1)).isEqualTo("item1");
    assertThat(catalog.item(1)).isEqualTo("item1");
    assertThat(Calls.count("item")).isEqualTo(1);

    server.stop();
    long slowest = 0;
    for (int i = 0; i < 20; i++) {
      long start = System.nanoTime();
      assertThat(catalog.item(1)).isEqualTo("item1");
      slowest = Math.max(slowest, System.nanoTime() - start);
    }
    assertThat(Calls.count("item")).isEqualTo(21);
    long start = System.nanoTime();
    assertThat(manager.invalidateDependency("item:1")).isZero();
    slowest = Math.max(slowest, System.nanoTime() - start);

    assertThat(Duration.ofNanos(slowest)).isLessThan(NO_HANG);
    assertThat(errors).isNotEmpty().allSatisfy(e -> assertThat(e.manager()).isEqualTo("default"));
    assertThat(errors).extracting(CacheEvent::key).contains(Catalog.lastKey);
  }

  @Test
  void afterARestartCachingResumesAndAnInvalidationThatFailedDuringTheOutageHasTakenEffect() {
    CacheManager manager = install("bypass");
    catalog.item(1);
    String invalidatedKey = Catalog.lastKey;
    catalog.item(2);
    String keptKey = Catalog.lastKey;
    // Persist both entries, so the restarted server still holds them: then only the retried
    // invalidation can remove the first.
    try (RedisClient client = RedisClient.create(server.url())) {
      client.sendCommand(Protocol.Command.SAVE);
    }

    server.stop();
    assertThat(manager.invalidateDependency("item:1")).isZero();
    server.restart();

    awaitCaching();
    assertThat(manager.exists(invalidatedKey)).isFalse();
    assertThat(manager.exists(keptKey)).isTrue();
    int ran = Calls.count("item");
    assertThat(catalog.item(2)).isEqualTo("item2");
    assertThat(Calls.count("item")).isEqualTo(ran);
    assertThat(catalog.item(1)).isEqualTo("item1");
    assertThat(Calls.count("item")).isEqualTo(ran + 1);
  }

  @Test
  void anAgentInstalledWhileRedisIsDownRunsUncachedThenCachesOnceRedisIsUp() {
    server.stop();
    install("bypass");
    assertThat(DepCache.isAgentActive()).isTrue();
    assertThat(catalog.item(5)).isEqualTo("item5");
    assertThat(catalog.item(5)).isEqualTo("item5");
    assertThat(Calls.count("item")).isEqualTo(2);
    assertThat(errors).isNotEmpty();

    server.restart();
    awaitCaching();
  }

  @Test
  void aFutureOrMonoCompletesWithTheBodysValueWhenRedisGoesAwayBeforeOrDuringTheComputation()
      throws Exception {
    install("bypass");
    AsyncCatalog futures = new AsyncCatalog();
    ReactiveCatalog monos = new ReactiveCatalog();
    CompletableFuture<String> during = futures.item(2); // looked up while Redis answered

    server.stop();
    CompletableFuture<String> before = futures.find(1);
    assertThat(before.get(NO_HANG.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo("found1");
    futures.complete(2); // its write fails behind the call
    assertThat(during.get(NO_HANG.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo("item2");
    assertThat(monos.item(3).block(NO_HANG)).isEqualTo("item3");
    assertThat(errors).isNotEmpty();

    server.restart();
    awaitCaching();
  }

  @Test
  void onErrorFailCompletesTheFutureOfACachedCallExceptionally() {
    install("fail");
    server.stop();
    CompletableFuture<String> failed = new AsyncCatalog().find(1);
    assertThat(failed).isCompletedExceptionally();
    assertThatThrownBy(failed::join).hasCauseInstanceOf(DepCacheException.class);
    assertThat(Calls.count("find")).isZero();
  }

  @Test
  void onErrorFailMakesManualOperationsAndCachedCallsThrow() {
    CacheManager manager = install("fail");
    server.stop();

    assertThatThrownBy(() -> manager.invalidateDependency("item:1"))
        .isInstanceOf(DepCacheException.class)
        .hasMessageContaining("invalidate");
    assertThatThrownBy(() -> manager.get("k")).isInstanceOf(DepCacheException.class);
    assertThatThrownBy(() -> manager.getOrCompute("k", 60, () -> "v"))
        .isInstanceOf(DepCacheException.class);
    // With on-error=fail the user asked for store faults to surface: the cached call throws
    // DepCacheException before its body runs.
    assertThatThrownBy(() -> catalog.item(7)).isInstanceOf(DepCacheException.class);
    assertThat(Calls.count("item")).isZero();
    assertThat(errors).isNotEmpty();
  }

  /** Polls until a pair of calls on a fresh key runs the body once: the cache works again. */
  private void awaitCaching() {
    long started = System.nanoTime();
    long deadline = started + RESUME_WITHIN.toNanos();
    for (long id = 1000; ; id++) {
      int before = Calls.count("item");
      assertThat(catalog.item(id)).isEqualTo("item" + id);
      assertThat(catalog.item(id)).isEqualTo("item" + id);
      if (Calls.count("item") - before == 1) {
        System.out.printf(
            "[outage] caching resumed %d ms after Redis answered%n",
            (System.nanoTime() - started) / 1_000_000);
        return;
      }
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("caching did not resume within " + RESUME_WITHIN);
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted", e);
      }
    }
  }
}
