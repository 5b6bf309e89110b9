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
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * Invalidations of one dependency on each primary, back to back, while {@code CLUSTER FAILOVER}
 * promotes replicas in turn, each while its primary's {@code WAIT}s pend ({@link
 * RedisCluster#failoverWhileWaitsPend}): every invalidation that returned removed the entries
 * written before it, and no call fails.
 *
 * <p>A {@code WAIT} still waiting when its primary turns into a replica is cut short ({@code
 * UNBLOCKED}) after its scripts ran and reached the new primary, and {@link
 * ClusterScripts#runAcknowledged} makes those calls again there. The detach, made again, found its
 * own set detached already and did not report it, so the invalidation returned with its dependents
 * still there: 8 and 3 stale entries in two runs of this test, one per detach cut short; the cause
 * of the 4 stale hits ClusterTopologyChangeIT once served, whose one failover cuts a {@code WAIT}
 * short only now and then. {@link ClusterScriptRepeatIT} runs the calls twice on purpose.
 */
class ClusterFailoverInvalidationIT {
  private static final int THREADS = 4;
  private static final int READERS = 2;
  private static final int FAILOVERS = 6;

  @Test
  void anInvalidationCutShortByAFailoverStillRemovesItsDependents() throws Exception {
    RedisCluster cluster = TestCluster.get();
    String ns = KeyLayout.namespace("f" + UUID.randomUUID().toString().substring(0, 8), "m");
    List<int[]> shards = shards(cluster);
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong invalidations = new AtomicLong();
    List<String> stale = new CopyOnWriteArrayList<>();
    List<String> errors = new CopyOnWriteArrayList<>();
    ExecutorService threads = Executors.newFixedThreadPool(THREADS + READERS);
    try (RedisClusterStore store =
        RedisClusterStore.connect(Arrays.asList(cluster.nodes().split(",")), 10_000, "f:seq")) {
      List<Future<?>> tasks = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        // One dependency on each primary, one entry for each.
        List<String> dependencies = new ArrayList<>();
        List<String> entries = new ArrayList<>();
        for (int[] shard : shards) {
          dependencies.add(dependencyServedBy(ns, "t" + t + ":" + shard[0], slotsOf(shard[0])));
          entries.add(KeyLayout.entryKey(ns, "t" + t + ":" + shard[0]));
        }
        tasks.add(
            threads.submit(
                () -> {
                  while (!stop.get()) {
                    try {
                      for (int d = 0; d < dependencies.size(); d++) {
                        store.put(
                            entries.get(d),
                            "v".getBytes(UTF_8),
                            60_000,
                            List.of(dependencies.get(d)));
                      }
                      store.invalidate(dependencies);
                      invalidations.incrementAndGet();
                      for (String entry : entries) {
                        if (store.exists(entry)) {
                          stale.add(entry + " after an invalidation of " + dependencies);
                        }
                      }
                    } catch (RuntimeException e) {
                      errors.add(e.toString());
                    }
                  }
                }));
      }
      for (int t = 0; t < READERS; t++) {
        // Keeps the primaries busy, so that a WAIT is still waiting when a failover pauses one.
        tasks.add(
            threads.submit(
                () -> {
                  ThreadLocalRandom random = ThreadLocalRandom.current();
                  while (!stop.get()) {
                    try {
                      store.lookup(KeyLayout.entryKey(ns, "r" + random.nextInt(1000)));
                    } catch (RuntimeException e) {
                      errors.add("lookup: " + e);
                    }
                  }
                }));
      }
      Thread.sleep(300);
      for (int i = 0; i < FAILOVERS; i++) {
        // The shards take turns, so that a node stands for election again only seconds after its
        // last (Redis refuses a second one within twice the node timeout, pausing the primary).
        int[] shard = shards.get(i % shards.size());
        cluster.failoverWhileWaitsPend(shard[1], 200);
        shards.set(i % shards.size(), new int[] {shard[1], shard[0]});
        Thread.sleep(300);
      }
      stop.set(true);
      for (Future<?> task : tasks) {
        task.get(30, TimeUnit.SECONDS);
      }
    } finally {
      stop.set(true);
      threads.shutdownNow();
    }
    System.out.printf(
        "[ClusterFailoverInvalidationIT] failovers %d, invalidations %d, stale %d, errors %d%n",
        FAILOVERS, invalidations.get(), stale.size(), errors.size());
    assertThat(stale).as("entries left by a returned invalidation").isEmpty();
    assertThat(errors).as("failed calls").isEmpty();
    assertThat(invalidations.get()).isGreaterThan(100);
  }

  /** Each primary and one of its replicas, as {@code CLUSTER SLOTS} lists them. */
  private static List<int[]> shards(RedisCluster cluster) {
    java.util.Map<Integer, Integer> replicaOf = new java.util.LinkedHashMap<>();
    try (Jedis node = new Jedis("127.0.0.1", cluster.primaries().get(0))) {
      for (Object range : node.clusterSlots()) {
        List<?> served = (List<?>) range;
        if (served.size() > 3) {
          replicaOf.put(port(served.get(2)), port(served.get(3)));
        }
      }
    }
    List<int[]> shards = new ArrayList<>();
    replicaOf.forEach((primary, replica) -> shards.add(new int[] {primary, replica}));
    return shards;
  }

  private static int port(Object node) {
    return ((Long) ((List<?>) node).get(1)).intValue();
  }

  private static List<Integer> slotsOf(int primary) {
    List<Integer> slots = new ArrayList<>();
    try (Jedis node = new Jedis("127.0.0.1", primary)) {
      for (Object range : node.clusterSlots()) {
        List<?> served = (List<?>) range;
        if (port(served.get(2)) == primary) {
          for (long s = (Long) served.get(0); s <= (Long) served.get(1); s++) {
            slots.add((int) s);
          }
        }
      }
    }
    return slots;
  }

  private static String dependencyServedBy(String ns, String name, List<Integer> slots) {
    for (int i = 0; ; i++) {
      String dependency = KeyLayout.dependencyKey(ns, name + ":" + i);
      if (slots.contains(ClusterKeys.slot(dependency))) {
        return dependency;
      }
    }
  }
}
