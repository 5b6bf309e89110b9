package io.depcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * StatsCollector, the logging listener and CacheEvent, which work the same with or without agent.
 */
class MonitoringTest {
  private static CacheEvent event(CacheEventType type) {
    return new CacheEvent(type, "default", "k", "com.example.A#m", Set.of("d"), 60, 1, 1L);
  }

  @Test
  void statsCountEachTypeAndTheHitRatio() {
    StatsCollector stats = new StatsCollector();
    assertThat(stats.hitRatio()).isZero();
    for (CacheEventType type : CacheEventType.values()) {
      stats.onEvent(event(type));
    }
    stats.onEvent(event(CacheEventType.HIT));
    stats.onEvent(event(CacheEventType.HIT));
    stats.onEvent(null);

    Stats snapshot = stats.getStats();
    assertThat(snapshot.hits()).isEqualTo(3);
    assertThat(snapshot.misses()).isEqualTo(1);
    assertThat(snapshot.sets()).isEqualTo(1);
    assertThat(snapshot.deletes()).isEqualTo(1);
    assertThat(snapshot.invalidations()).isEqualTo(1);
    assertThat(snapshot.clears()).isEqualTo(1);
    assertThat(snapshot.errors()).isEqualTo(1);
    assertThat(snapshot.totalOperations()).isEqualTo(9);
    assertThat(snapshot.hitRatio()).isEqualTo(0.75);
    assertThat(stats.hitRatio()).isEqualTo(0.75);
    assertThat(snapshot.runtimeSeconds()).isPositive();
    assertThat(snapshot.opsPerSecond()).isPositive();
  }

  private static CacheEvent hit(CacheLevel level) {
    return new CacheEvent(
        CacheEventType.HIT, "default", "k", "com.example.A#m", Set.of("d"), 60, 1, 1L, level);
  }

  @Test
  void statsCountNearHitsApartAndAmongTheHits() {
    StatsCollector stats = new StatsCollector();
    stats.onEvent(hit(CacheLevel.NEAR));
    stats.onEvent(hit(CacheLevel.NEAR));
    stats.onEvent(hit(CacheLevel.STORE));
    stats.onEvent(event(CacheEventType.HIT)); // no level: a hit, not a near one
    stats.onEvent(event(CacheEventType.MISS));

    Stats snapshot = stats.getStats();
    assertThat(snapshot.hits()).isEqualTo(4);
    assertThat(snapshot.nearHits()).isEqualTo(2);
    assertThat(snapshot.hitRatio()).isEqualTo(0.8);
    stats.reset();
    assertThat(stats.getStats().nearHits()).isZero();
  }

  @Test
  void onlyAHitCarriesALevelAndTheOldConstructorsStillWork() {
    assertThat(hit(CacheLevel.NEAR).level()).isEqualTo(CacheLevel.NEAR);
    assertThat(
            new CacheEvent(CacheEventType.MISS, "m", "k", null, null, -1, 0, 1L, CacheLevel.NEAR)
                .level())
        .isNull();
    assertThat(event(CacheEventType.HIT).level()).isNull();
    assertThat(new Stats(1, 2, 3, 4, 5, 6, 7, 0.5, 28, 1.0, 28.0).nearHits()).isZero();
  }

  @Test
  void resetSetsEveryCounterToZero() {
    StatsCollector stats = new StatsCollector();
    stats.onEvent(event(CacheEventType.HIT));
    stats.onEvent(event(CacheEventType.ERROR));
    stats.reset();
    Stats snapshot = stats.getStats();
    assertThat(snapshot.totalOperations()).isZero();
    assertThat(snapshot.hits()).isZero();
    assertThat(snapshot.errors()).isZero();
    assertThat(snapshot.hitRatio()).isZero();
    assertThat(snapshot.opsPerSecond()).isZero();
  }

  @Test
  void theLoggerListenerLogsEachEventErrorsAtWarning() {
    String name = "depcache.test." + System.nanoTime();
    Logger jul = Logger.getLogger(name); // held strongly: JUL keeps loggers weakly
    List<LogRecord> records = new CopyOnWriteArrayList<>();
    jul.setUseParentHandlers(false);
    jul.setLevel(Level.ALL);
    jul.addHandler(
        new Handler() {
          @Override
          public void publish(LogRecord record) {
            records.add(record);
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        });

    CacheEventListener listener = CacheEventListeners.logger(name);
    listener.onEvent(event(CacheEventType.ERROR));
    listener.onEvent(event(CacheEventType.INVALIDATE));
    listener.onEvent(event(CacheEventType.HIT));
    listener.onEvent(new CacheEvent(CacheEventType.MISS, "m", null, null, null, -1, 0, 0));

    assertThat(records)
        .extracting(LogRecord::getLevel)
        .containsExactly(Level.WARNING, Level.INFO, Level.FINE, Level.FINE);
    assertThat(records.get(0).getMessage())
        .contains("ERROR", "[default]", "key=k", "com.example.A#m", "d");
    assertThat(records.get(3).getMessage()).isEqualTo("MISS [m]");
  }

  @Test
  void theLoggerListenerWithoutANameUsesDepcacheAndNeverThrows() {
    CacheEventListener listener = CacheEventListeners.logger(null);
    for (CacheEventType type : CacheEventType.values()) {
      assertThatCode(() -> listener.onEvent(event(type))).doesNotThrowAnyException();
    }
    assertThatCode(() -> CacheEventListeners.logger("").onEvent(event(CacheEventType.CLEAR)))
        .doesNotThrowAnyException();
  }

  @Test
  void aCacheEventNormalisesItsDependencies() {
    CacheEvent none = new CacheEvent(CacheEventType.CLEAR, "m", null, null, null, -1, 3, 1L);
    assertThat(none.dependencies()).isEmpty();

    Set<String> mutable = new HashSet<>(Set.of("a"));
    CacheEvent copied = new CacheEvent(CacheEventType.SET, "m", "k", null, mutable, 5, 1, 1L);
    mutable.add("b");
    assertThat(copied.dependencies()).containsExactly("a");
    assertThat(copied.dependencies()).isUnmodifiable();
  }
}
