package com.example.bench;

import io.depcache.CacheManager;
import io.depcache.DepCache;
import java.lang.management.ManagementFactory;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One thread's latency of a near hit, sampled call by call, in forks whose agent has {@code
 * depcache.near-cache.enabled=true} (and {@code near-cache.copy} at its default, {@code false}):
 * {@link #nearHit} is the {@code @DepCached} call of {@link HitBenchmark#hit} served from the JVM's
 * memory; {@link #nearGetOrCompute} a near hit of {@code CacheManager.getOrCompute} with a key and
 * a loader made once, which leaves out what the advice and the key's rendering cost.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class NearBenchmark {
  private static final String KEY = "bench-near:get-or-compute";

  private Fixture fixture;
  private CacheManager manager;
  private Callable<Order> loader;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    fixture = Fixture.create(1);
    manager = DepCache.manager();
    Order value = fixture.hit();
    loader = () -> value;
    manager.getOrCompute(KEY, 600, loader);
    awaitNearHits(fixture);
  }

  /**
   * Waits until the near cache serves: the subscription is confirmed and its first heartbeat heard,
   * which the manager's MBean shows as near hits.
   */
  static void awaitNearHits(Fixture fixture) throws Exception {
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    ObjectName name = new ObjectName("io.depcache:type=CacheManager,name=\"default\"");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (true) {
      fixture.hit();
      if (server.isRegistered(name) && (Long) server.getAttribute(name, "NearHits") > 0) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "no near hit within 20 s: the fork needs -Ddepcache.near-cache.enabled=true");
      }
      Thread.sleep(10);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    fixture.close();
  }

  @Benchmark
  public Order nearHit() {
    return fixture.hit();
  }

  @Benchmark
  public Order nearGetOrCompute() throws Exception {
    return manager.getOrCompute(KEY, 600, loader);
  }
}
