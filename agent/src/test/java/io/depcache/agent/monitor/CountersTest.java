package io.depcache.agent.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import io.depcache.CacheEventType;
import io.depcache.CacheLevel;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/** What the hit path pays for the counters: nothing allocated. */
class CountersTest {
  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  private static long allocated() {
    return THREADS.getThreadAllocatedBytes(Thread.currentThread().getId());
  }

  @Test
  void countingAHitAllocatesNothing() {
    MethodStats method = new MethodStats();
    EventDispatcher events = new EventDispatcher("default");
    for (int i = 0; i < 20_000; i++) { // warm up: compiled, as on a hot path
      method.hit(1_000);
      events.fire(CacheEventType.HIT, "k", "m", null, -1, 1);
    }
    long before = allocated();
    for (int i = 0; i < 100_000; i++) {
      method.hit(1_000);
      events.fire(CacheEventType.HIT, "k", "m", null, -1, 1);
    }
    long bytes = allocated() - before;
    // the measurement itself may allocate a few bytes; one allocation per hit would be 1.6 MB+
    assertThat(bytes).isLessThan(1_000);
    assertThat(method.hits()).isEqualTo(120_000);
    assertThat(events.stats().count(CacheEventType.HIT)).isEqualTo(120_000);
    assertThat(method.averageHitMicros()).isEqualTo(1.0);
  }

  @Test
  void ratiosAndAveragesOfCounters() {
    MethodStats method = new MethodStats();
    method.hit(2_000);
    method.miss();
    method.miss();
    method.computed(3_000_000);
    method.computed(5_000_000);
    method.hit(4_000);
    assertThat(method.hitRatio()).isEqualTo(0.5);
    assertThat(method.averageMissMillis()).isEqualTo(4.0);
    assertThat(method.averageHitMicros()).isEqualTo(3.0);
    ManagerStats manager = new ManagerStats();
    manager.record(CacheEventType.INVALIDATE, 7);
    manager.record(CacheEventType.DELETE, 2);
    manager.record(CacheEventType.CLEAR, 50);
    assertThat(manager.count(CacheEventType.INVALIDATE)).isEqualTo(1);
    assertThat(manager.entriesRemoved()).isEqualTo(9);
    manager.reset();
    assertThat(manager.entriesRemoved()).isZero();
  }

  @Test
  void aMethodsNearHitIsCountedOnceAndShownByEachTotal() {
    MethodStats method = new MethodStats();
    EventDispatcher events = new EventDispatcher("default");
    ManagerStats manager = events.stats();
    manager.attach(method);
    manager.attach(method); // twice is once
    method.nearHit();
    method.nearHit();
    events.fireHit("k", "m", null, CacheLevel.NEAR, true); // the method's: not counted again
    events.fireHit("k", null, null, CacheLevel.NEAR); // getOrCompute's
    events.fireHit("k", "m", null, CacheLevel.STORE);
    assertThat(method.nearHits()).isEqualTo(2);
    assertThat(method.hits()).isEqualTo(2);
    assertThat(manager.nearHits()).isEqualTo(3);
    assertThat(manager.count(CacheEventType.HIT)).isEqualTo(4);
    assertThat(manager.nearHitsOfNearLookups()).isEqualTo(3);
    manager.nearHitCountedByStore(); // one of them a store lookup served, and counted itself
    assertThat(manager.nearHitsOfNearLookups()).isEqualTo(2);
    assertThat(manager.nearHits()).isEqualTo(3);

    manager.reset();
    method.reset();
    assertThat(manager.nearHits()).isZero();
    assertThat(manager.count(CacheEventType.HIT)).isZero();
    assertThat(method.nearHits()).isZero();
    // the store's total never goes back
    assertThat(manager.nearHitsOfNearLookups()).isEqualTo(2);
    method.nearHit();
    assertThat(manager.nearHits()).isEqualTo(1);
    assertThat(method.hits()).isEqualTo(1);
    assertThat(manager.nearHitsOfNearLookups()).isEqualTo(3);
  }
}
