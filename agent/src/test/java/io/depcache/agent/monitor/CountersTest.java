package io.depcache.agent.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import io.depcache.CacheEventType;
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
}
