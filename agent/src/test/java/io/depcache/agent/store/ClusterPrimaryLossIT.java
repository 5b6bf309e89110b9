package io.depcache.agent.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.depcache.testing.RedisCluster;
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
import org.junit.jupiter.api.Test;

/**
 * A primary of the cluster crashes while readers and a writer run through the store as the agent
 * wraps it ({@link ResilientStore}): calls that fail in the seconds before its replica takes over
 * bypass the cache, invalidations made then are retried, and no reader that starts after an
 * invalidation returned (or failed and was queued) should ever hit an older version. Its own
 * cluster, since it loses a node. Before the kill, its replica is stopped and the primary's link to
 * it closed ({@link RedisCluster#killUnreplicated}): for a second it takes writes that no replica
 * receives, as under a replication lag or a short network cut, and the crash loses them.
 *
 * <p>Without a replica's acknowledgement ({@code WAIT}, see {@link
 * ClusterScripts#runAcknowledged}), a registration lost with a dependency's set leaves an entry
 * written on another node that no set of the dependency names (and a lost fence or unlink of an
 * entry brings it back the same way), served stale until its ttl: red then. With it, the calls of
 * that second fail instead (no replica acknowledges), and are bypassed or retried. A {@code CLUSTER
 * FAILOVER}, which waits for the replica, loses nothing either way ({@link
 * ClusterTopologyChangeIT}).
 */
class ClusterPrimaryLossIT {
  private static final int ROWS = 32;

  @Test
  void aPrimaryThatDiesLosesNoInvalidation() throws Exception {
    try (RedisCluster cluster = RedisCluster.start()) {
      String ns = KeyLayout.namespace("k" + UUID.randomUUID().toString().substring(0, 8), "m");
      AtomicLongArray version = new AtomicLongArray(ROWS);
      AtomicLongArray invalidated = new AtomicLongArray(ROWS);
      AtomicBoolean stop = new AtomicBoolean();
      AtomicLong hits = new AtomicLong();
      AtomicLong bypassed = new AtomicLong();
      AtomicLong failedInvalidations = new AtomicLong();
      AtomicLong hitsAfterFailover = new AtomicLong();
      List<String> stale = new CopyOnWriteArrayList<>();
      ExecutorService threads = Executors.newFixedThreadPool(4);
      try (ResilientStore store =
          new ResilientStore(
              RedisClusterStore.connect(Arrays.asList(cluster.nodes().split(",")), 500, "k:seq"),
              ns)) {
        List<Future<?>> tasks = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
          tasks.add(
              threads.submit(
                  () -> {
                    ThreadLocalRandom random = ThreadLocalRandom.current();
                    while (!stop.get()) {
                      int row = random.nextInt(ROWS);
                      String key = KeyLayout.entryKey(ns, row + ":" + random.nextInt(4));
                      String dep = KeyLayout.dependencyKey(ns, "row:" + row);
                      long floor = invalidated.get(row);
                      try {
                        CacheStore.Lookup found = store.lookup(key);
                        if (found.value() != null) {
                          hits.incrementAndGet();
                          long seen = Long.parseLong(new String(found.value(), UTF_8));
                          if (seen < floor) {
                            stale.add(key);
                          }
                          continue;
                        }
                        long read = version.get(row);
                        store.putIfUnchangedSince(
                            key,
                            Long.toString(read).getBytes(UTF_8),
                            60_000,
                            List.of(dep),
                            found.sequence(),
                            new long[] {found.sequence()});
                      } catch (StoreException e) {
                        bypassed.incrementAndGet(); // the agent runs the method uncached
                      }
                    }
                    return null;
                  }));
        }
        tasks.add(
            threads.submit(
                () -> {
                  ThreadLocalRandom random = ThreadLocalRandom.current();
                  while (!stop.get()) {
                    int row = random.nextInt(ROWS);
                    long next = version.incrementAndGet(row);
                    try {
                      store.invalidate(List.of(KeyLayout.dependencyKey(ns, "row:" + row)));
                    } catch (StoreException e) {
                      failedInvalidations.incrementAndGet(); // queued: retried until applied
                    }
                    invalidated.accumulateAndGet(row, next, Math::max);
                    Thread.sleep(2);
                  }
                  return null;
                }));
        Thread.sleep(1_000);
        // Its replica has everything so far; what the primary takes in its last second reaches no
        // replica before it dies.
        cluster.killUnreplicated(cluster.primaries().get(0), 1_000);
        long hitsBefore = hits.get();
        // The replica has taken over: caching resumes once the queued invalidations are applied.
        Thread.sleep(4_000);
        hitsAfterFailover.set(hits.get() - hitsBefore);
        stop.set(true);
        for (Future<?> task : tasks) {
          task.get(30, TimeUnit.SECONDS);
        }
      } finally {
        stop.set(true);
        threads.shutdownNow();
      }
      System.out.printf(
          "[ClusterPrimaryLossIT] hits %d (%d after the failover), bypassed %d, invalidations"
              + " failed and queued %d, stale %d%n",
          hits.get(),
          hitsAfterFailover.get(),
          bypassed.get(),
          failedInvalidations.get(),
          stale.size());
      System.out.println("[ClusterPrimaryLossIT] stale keys: " + new java.util.TreeSet<>(stale));
      assertThat(stale).isEmpty();
      assertThat(hitsAfterFailover.get()).as("caching resumed").isGreaterThan(1000);
      assertThat(bypassed.get()).as("the crash was felt").isPositive();
    }
  }
}
