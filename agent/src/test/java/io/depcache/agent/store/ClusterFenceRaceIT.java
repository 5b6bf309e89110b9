package io.depcache.agent.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.depcache.testing.TestCluster;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
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
 * The fence on Redis Cluster, where a write and an invalidation are several steps each: every
 * interleaving of their steps that matters, forced one at a time by running the steps by hand (the
 * class comment of {@link RedisClusterStore} argues each case), then all of them at once under real
 * concurrency.
 */
class ClusterFenceRaceIT {
  private RedisClusterStore store;
  private String ns;

  @BeforeEach
  void setUp() {
    store =
        RedisClusterStore.connect(
            Arrays.asList(TestCluster.get().nodes().split(",")), 2_000, "race:seq");
    ns = KeyLayout.namespace("r" + UUID.randomUUID().toString().substring(0, 8), "m");
  }

  @AfterEach
  void tearDown() {
    store.clear(ns);
    store.close();
  }

  private String entry(String key) {
    return KeyLayout.entryKey(ns, key);
  }

  private String dep(String dependency) {
    return KeyLayout.dependencyKey(ns, dependency);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(UTF_8);
  }

  /** A computation that missed, read its data, and now writes: the sequence of its lookup. */
  private long miss(String key) {
    CacheStore.Lookup found = store.lookup(entry(key));
    assertThat(found.value()).isNull();
    return found.sequence();
  }

  @Test
  void anInvalidationAfterTheLookupRefusesTheWholeWrite() {
    long read = miss("a");
    store.invalidate(List.of(dep("d")));

    assertThat(
            store.putIfUnchangedSince(
                entry("a"), bytes("stale"), 60_000, List.of(dep("d")), read, new long[] {read}))
        .isFalse();
    assertThat(store.exists(entry("a"))).isFalse();
  }

  @Test
  void anInvalidationBetweenRegistrationAndWriteRefusesTheWrite() {
    long read = miss("a");
    assertThat(store.register(entry("a"), 60_000, List.of(dep("d")), new long[] {read})).isTrue();

    // The whole invalidation runs between the steps: it finds the registration, fences the entry.
    assertThat(store.invalidate(List.of(dep("d")))).isZero();

    assertThat(store.writeEntry(entry("a"), bytes("stale"), 60_000, read)).isFalse();
    assertThat(store.exists(entry("a"))).isFalse();
  }

  @Test
  void aWriteBetweenTheDetachAndTheDrainIsRemovedBeforeTheInvalidationReturns() {
    long read = miss("a");
    assertThat(store.register(entry("a"), 60_000, List.of(dep("d")), new long[] {read})).isTrue();
    ClusterInvalidator invalidation = store.invalidator();
    List<ClusterInvalidator.Detached> sets =
        invalidation.detach(List.of(dep("d")), store.nextSequence());
    long drainFence = store.nextSequence();

    // Not fenced yet: the write lands, and a reader may see it while the invalidation runs.
    assertThat(store.writeEntry(entry("a"), bytes("stale"), 60_000, read)).isTrue();
    long removed = 0;
    for (ClusterInvalidator.Detached set : sets) {
      removed += invalidation.drain(set, drainFence);
    }

    assertThat(removed).isEqualTo(1);
    assertThat(store.exists(entry("a"))).isFalse();
  }

  /**
   * The invalidation's first sequence comes before the computation's lookup, its detach after the
   * computation registered (they are two round trips): only the drain's own, later sequence refuses
   * the write. Were the entry written, it would be registered in no set of {@code d}, and the next
   * invalidation of {@code d} would leave it.
   */
  @Test
  void aDetachAfterTheRegistrationRefusesTheWriteEvenWhenItsFenceCameBeforeTheLookup() {
    long fence = store.nextSequence();
    long read = miss("a");
    assertThat(read).isGreaterThanOrEqualTo(fence);
    assertThat(store.register(entry("a"), 60_000, List.of(dep("d")), new long[] {read})).isTrue();
    ClusterInvalidator invalidation = store.invalidator();
    invalidation.drainAll(invalidation.detach(List.of(dep("d")), fence));

    assertThat(store.writeEntry(entry("a"), bytes("x"), 60_000, read)).isFalse();
    assertThat(store.exists(entry("a"))).isFalse();
  }

  @Test
  void anInnerDependencyReadEarlierFencesTheEntryByItsOwnSequence() {
    long inner = miss("inner");
    store.invalidate(List.of(dep("d")));
    long outer = miss("outer");
    assertThat(outer).isGreaterThan(inner);

    // The outer computation read d's data through an entry computed at `inner`, before the fence.
    assertThat(
            store.putIfUnchangedSince(
                entry("outer"), bytes("x"), 60_000, List.of(dep("d")), outer, new long[] {inner}))
        .isFalse();
    assertThat(store.exists(entry("outer"))).isFalse();
  }

  /**
   * An entry hit inside a computation may be older than the last invalidation of the entry being
   * written: that invalidation fenced the entry's key, and must not keep it from being cached again
   * once the dependencies it was about are fresh.
   */
  @Test
  void anEntryRecomputedAfterItsInvalidationIsStoredThoughAnInnerHitIsOlder() {
    long inner = miss("inner");
    store.put(entry("outer"), bytes("old"), 60_000, List.of(dep("d")));
    store.invalidate(List.of(dep("d")));
    long outer = miss("outer");

    assertThat(
            store.putIfUnchangedSince(
                entry("outer"),
                bytes("new"),
                60_000,
                List.of(dep("inner-dep"), dep("d")),
                outer,
                new long[] {inner, outer}))
        .isTrue();
    assertThat(store.get(entry("outer"))).isEqualTo(bytes("new"));
  }

  @Test
  void aDeleteAfterTheLookupRefusesTheWrite() {
    long read = miss("a");
    store.delete(List.of(entry("a")));

    assertThat(
            store.putIfUnchangedSince(entry("a"), bytes("x"), 60_000, List.of(), read, new long[0]))
        .isFalse();
    assertThat(store.exists(entry("a"))).isFalse();
  }

  @Test
  void aWriteThatStartedAfterTheInvalidationIsStored() {
    store.invalidate(List.of(dep("d")));
    long read = miss("a");

    assertThat(
            store.putIfUnchangedSince(
                entry("a"), bytes("fresh"), 60_000, List.of(dep("d")), read, new long[] {read}))
        .isTrue();
    assertThat(store.invalidate(List.of(dep("d")))).isEqualTo(1);
  }

  /**
   * Readers compute versions of a row and write them fenced while a writer changes rows and
   * invalidates them: no reader that starts after an invalidation returned ever hits a version from
   * before it.
   */
  @Test
  void underConcurrencyNoReaderHitsAVersionOlderThanTheLastReturnedInvalidation() throws Exception {
    int rows = 4;
    int keysPerRow = 4;
    AtomicLongArray version = new AtomicLongArray(rows);
    AtomicLongArray invalidated = new AtomicLongArray(rows);
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong hits = new AtomicLong();
    AtomicLong stored = new AtomicLong();
    AtomicLong refused = new AtomicLong();
    List<String> stale = new java.util.concurrent.CopyOnWriteArrayList<>();
    ExecutorService threads = Executors.newFixedThreadPool(5);
    try {
      List<Future<?>> tasks = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        tasks.add(
            threads.submit(
                () -> {
                  ThreadLocalRandom random = ThreadLocalRandom.current();
                  while (!stop.get()) {
                    int row = random.nextInt(rows);
                    String key = row + ":" + random.nextInt(keysPerRow);
                    long floor = invalidated.get(row);
                    CacheStore.Lookup found = store.lookup(entry(key));
                    if (found.value() != null) {
                      hits.incrementAndGet();
                      long seen = Long.parseLong(new String(found.value(), UTF_8));
                      if (seen < floor) {
                        stale.add(key + " served " + seen + " after " + floor + " was invalidated");
                      }
                      continue;
                    }
                    long read = version.get(row);
                    if (random.nextBoolean()) {
                      Thread.sleep(0, random.nextInt(500_000));
                    }
                    boolean written =
                        store.putIfUnchangedSince(
                            entry(key),
                            bytes(Long.toString(read)),
                            60_000,
                            List.of(dep("row:" + row)),
                            found.sequence(),
                            new long[] {found.sequence()});
                    (written ? stored : refused).incrementAndGet();
                  }
                  return null;
                }));
      }
      tasks.add(
          threads.submit(
              () -> {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                while (!stop.get()) {
                  int row = random.nextInt(rows);
                  long next = version.incrementAndGet(row);
                  store.invalidate(List.of(dep("row:" + row)));
                  invalidated.accumulateAndGet(row, next, Math::max);
                  Thread.sleep(random.nextInt(3));
                }
                return null;
              }));
      Thread.sleep(6_000);
      stop.set(true);
      for (Future<?> task : tasks) {
        task.get(30, TimeUnit.SECONDS);
      }
    } finally {
      threads.shutdownNow();
    }
    System.out.printf(
        "[ClusterFenceRaceIT] hits %d, stored %d, refused %d, stale %d%n",
        hits.get(), stored.get(), refused.get(), stale.size());
    assertThat(stale).isEmpty();
    assertThat(hits.get()).isGreaterThan(100);
    assertThat(stored.get()).isGreaterThan(100);
    assertThat(refused.get()).as("the race happened").isPositive();
  }
}
