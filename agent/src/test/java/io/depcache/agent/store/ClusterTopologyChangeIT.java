package io.depcache.agent.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.depcache.testing.RedisCluster;
import io.depcache.testing.TestCluster;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Readers computing and writing fenced versions, and a writer invalidating them, while the cluster
 * moves slots ({@code redis-cli --cluster reshard}) and a replica takes over its primary ({@code
 * CLUSTER FAILOVER}): no stale hit, no failed call.
 */
class ClusterTopologyChangeIT {
  private static final int ROWS = 64;

  private RedisClusterStore store;
  private String ns;
  private final AtomicLongArray version = new AtomicLongArray(ROWS);
  private final AtomicLongArray invalidated = new AtomicLongArray(ROWS);
  private final AtomicBoolean stop = new AtomicBoolean();
  private final AtomicLong reads = new AtomicLong();
  private final AtomicLong hits = new AtomicLong();
  private final AtomicLong invalidations = new AtomicLong();
  private final List<String> stale = new CopyOnWriteArrayList<>();
  private final List<String> errors = new CopyOnWriteArrayList<>();

  @BeforeEach
  void setUp() {
    store =
        RedisClusterStore.connect(
            Arrays.asList(TestCluster.get().nodes().split(",")), 2_000, "topology:seq");
    ns = KeyLayout.namespace("c" + UUID.randomUUID().toString().substring(0, 8), "m");
  }

  @AfterEach
  void tearDown() {
    store.clear(ns);
    store.close();
  }

  private String entry(String key) {
    return KeyLayout.entryKey(ns, key);
  }

  private String dep(int row) {
    return KeyLayout.dependencyKey(ns, "row:" + row);
  }

  private void read() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    int row = random.nextInt(ROWS);
    String key = row + ":" + random.nextInt(4);
    long floor = invalidated.get(row);
    try {
      reads.incrementAndGet();
      CacheStore.Lookup found = store.lookup(entry(key));
      if (found.value() != null) {
        hits.incrementAndGet();
        long seen = Long.parseLong(new String(found.value(), UTF_8));
        if (seen < floor) {
          stale.add(key + " served " + seen + " after " + floor + " was invalidated");
        }
        return;
      }
      long read = version.get(row);
      store.putIfUnchangedSince(
          entry(key),
          Long.toString(read).getBytes(UTF_8),
          60_000,
          List.of(dep(row)),
          found.sequence(),
          new long[] {found.sequence()});
    } catch (RuntimeException e) {
      errors.add(e.toString());
    }
  }

  private void invalidate() {
    int row = ThreadLocalRandom.current().nextInt(ROWS);
    long next = version.incrementAndGet(row);
    try {
      store.invalidate(List.of(dep(row)));
      invalidations.incrementAndGet();
      invalidated.accumulateAndGet(row, next, Math::max);
    } catch (RuntimeException e) {
      errors.add("invalidate: " + e);
    }
  }

  @Test
  void reshardingAndFailoverLoseNoInvalidationAndFailNoCall() throws Exception {
    RedisCluster cluster = TestCluster.get();
    ExecutorService threads = Executors.newFixedThreadPool(4);
    List<Future<?>> tasks = new ArrayList<>();
    try {
      for (int t = 0; t < 3; t++) {
        tasks.add(
            threads.submit(
                () -> {
                  while (!stop.get()) {
                    read();
                  }
                }));
      }
      tasks.add(
          threads.submit(
              () -> {
                while (!stop.get()) {
                  invalidate();
                  try {
                    Thread.sleep(1);
                  } catch (InterruptedException e) {
                    return;
                  }
                }
              }));
      Thread.sleep(500);
      List<Integer> primaries = cluster.primaries();
      cluster.reshard(primaries.get(0), primaries.get(1), 2000);
      cluster.reshard(primaries.get(1), primaries.get(2), 2000);
      int replica = cluster.replicas().get(0);
      cluster.failover(replica);
      Thread.sleep(500);
      stop.set(true);
      for (Future<?> task : tasks) {
        task.get(30, TimeUnit.SECONDS);
      }
    } finally {
      stop.set(true);
      threads.shutdownNow();
    }
    System.out.printf(
        "[ClusterTopologyChangeIT] reads %d, hits %d, invalidations %d, stale %d, errors %d%n",
        reads.get(), hits.get(), invalidations.get(), stale.size(), errors.size());
    assertThat(errors).as("failed calls").isEmpty();
    assertThat(stale).isEmpty();
    assertThat(hits.get()).isGreaterThan(1000);
    assertThat(invalidations.get()).isGreaterThan(100);
  }
}
