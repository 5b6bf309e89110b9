package io.depcache.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.fixtures.Calls;
import com.example.fixtures.Gate;
import com.example.fixtures.Rows;
import io.depcache.CacheManager;
import io.depcache.DepCache;
import io.depcache.agent.AgentMain;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code depcache.single-flight.wait-ms} and {@code depcache.invalidate.repeat-after-ms}. */
class ConsistencySettingsTest {
  private static AgentMain.Installation installation;
  private static final ExecutorService threads = Executors.newCachedThreadPool();

  @BeforeAll
  static void install() {
    installation =
        AgentTestSupport.install(
            Map.of(
                "depcache.backend", "memory",
                "depcache.prefix", AgentTestSupport.uniquePrefix(),
                "depcache.single-flight.wait-ms", "200",
                "depcache.invalidate.repeat-after-ms", "300"));
  }

  @AfterAll
  static void uninstall() {
    Gate.disarm();
    threads.shutdownNow();
    installation.uninstall();
  }

  @Test
  void aComputationLongerThanTheWaitLetsTheWaiterComputeForItself() throws Exception {
    Calls.reset();
    Rows rows = new Rows();
    Rows.DB.put(1, 5);
    Gate gate = Gate.arm();
    Future<Integer> leader = threads.submit(() -> rows.version(1));
    gate.awaitReached();
    // The leader is stuck at the gate for longer than wait-ms: the waiter gives up on it.
    assertThat(threads.submit(() -> rows.version(1)).get(10, TimeUnit.SECONDS)).isEqualTo(5);
    assertThat(Calls.count("version")).isEqualTo(2);
    gate.open();
    assertThat(leader.get(10, TimeUnit.SECONDS)).isEqualTo(5);
    Gate.disarm();
  }

  @Test
  void anInvalidationIsRepeatedOnceAfterTheDelay() throws Exception {
    CacheManager manager = DepCache.manager();
    manager.set("report", "before", 60, List.of("order:1"));
    assertThat(manager.invalidateDependency("order:1")).isEqualTo(1);
    // A reader that read the database before the writer's commit caches the old value again.
    manager.set("report", "old value read before commit", 60, List.of("order:1"));
    assertThat(manager.exists("report")).isTrue();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (manager.exists("report") && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(manager.exists("report")).as("removed by the repeated invalidation").isFalse();
    // Once: a value cached after the repetition stays.
    manager.set("report", "fresh", 60, List.of("order:1"));
    Thread.sleep(600);
    assertThat(manager.<String>get("report")).isEqualTo("fresh");
  }
}
