package io.depcache.agent.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link CacheStore} does, run against each implementation. */
abstract class CacheStoreContract {
  CacheStore store;
  String prefix;
  String ns;
  String otherNs;

  abstract CacheStore createStore();

  /** A prefix no other test uses; a store whose keys are restricted (ACL) gives one it may use. */
  String newPrefix() {
    return "t" + UUID.randomUUID().toString().substring(0, 8);
  }

  @BeforeEach
  void setUp() {
    store = createStore();
    prefix = newPrefix();
    ns = KeyLayout.namespace(prefix, "m");
    otherNs = KeyLayout.namespace(prefix, "other");
  }

  @AfterEach
  void tearDown() {
    store.clear(ns);
    store.clear(otherNs);
    store.close();
  }

  /** The store under test (for {@link StoreAdminContract}). */
  public CacheStore store() {
    return store;
  }

  /** This test's prefix (for {@link StoreAdminContract}). */
  public String prefix() {
    return prefix;
  }

  /** This test's namespace (for {@link StoreAdminContract}). */
  public String namespace() {
    return ns;
  }

  String entry(String key) {
    return KeyLayout.entryKey(ns, key);
  }

  String dep(String dependency) {
    return KeyLayout.dependencyKey(ns, dependency);
  }

  static byte[] bytes(String s) {
    return s.getBytes(UTF_8);
  }

  @Test
  void getReturnsWhatPutStoredAndNullWhenAbsent() {
    store.put(entry("a"), bytes("value a"), 60_000, List.of());

    assertThat(store.get(entry("a"))).isEqualTo(bytes("value a"));
    assertThat(store.get(entry("missing"))).isNull();
  }

  @Test
  void putReplacesTheValueAndTheTtl() {
    store.put(entry("a"), bytes("one"), 60_000, List.of());
    store.put(entry("a"), bytes("two"), 0, List.of());

    assertThat(store.get(entry("a"))).isEqualTo(bytes("two"));
    assertThat(store.ttlMillis(entry("a"))).isEqualTo(-1);
  }

  @Test
  void existsTellsWhetherAnEntryIsThere() {
    store.put(entry("a"), bytes("x"), 60_000, List.of());

    assertThat(store.exists(entry("a"))).isTrue();
    assertThat(store.exists(entry("b"))).isFalse();
  }

  @Test
  void ttlFollowsRedisConventions() {
    store.put(entry("expiring"), bytes("x"), 60_000, List.of());
    store.put(entry("forever"), bytes("x"), 0, List.of());

    assertThat(store.ttlMillis(entry("expiring"))).isBetween(1L, 60_000L);
    assertThat(store.ttlMillis(entry("forever"))).isEqualTo(-1);
    assertThat(store.ttlMillis(entry("absent"))).isEqualTo(-2);
  }

  @Test
  void deleteRemovesEntriesAndCountsThoseThatExisted() {
    store.put(entry("a"), bytes("x"), 60_000, List.of());
    store.put(entry("b"), bytes("x"), 60_000, List.of());

    assertThat(store.delete(List.of(entry("a"), entry("b"), entry("c")))).isEqualTo(2);
    assertThat(store.exists(entry("a"))).isFalse();
    assertThat(store.delete(List.of())).isZero();
  }

  @Test
  void putRegistersTheEntryInEveryDependency() {
    List<String> deps = List.of(dep("user:1"), dep("org:2"), dep("plan:3"));
    for (String dependency : deps) {
      store.put(entry("a"), bytes("x"), 60_000, deps);

      assertThat(store.invalidate(List.of(dependency))).isEqualTo(1);
      assertThat(store.exists(entry("a"))).as("removed through %s", dependency).isFalse();
    }
  }

  @Test
  void dependencySetLivesAsLongAsItsLongestLivedMember() {
    String d = dep("user:1");
    store.put(entry("short"), bytes("x"), 10_000, List.of(d));
    assertThat(store.ttlMillis(d)).isBetween(1L, 10_000L);

    store.put(entry("long"), bytes("x"), 600_000, List.of(d));
    assertThat(store.ttlMillis(d)).isGreaterThan(10_000L);

    store.put(entry("shorter"), bytes("x"), 5_000, List.of(d));
    assertThat(store.ttlMillis(d)).as("never lowered").isGreaterThan(10_000L);

    store.put(entry("forever"), bytes("x"), 0, List.of(d));
    assertThat(store.ttlMillis(d)).isEqualTo(-1);

    store.put(entry("later"), bytes("x"), 5_000, List.of(d));
    assertThat(store.ttlMillis(d)).as("stays persistent").isEqualTo(-1);
  }

  @Test
  void newDependencySetOfAPersistentEntryIsPersistent() {
    store.put(entry("forever"), bytes("x"), 0, List.of(dep("d")));

    assertThat(store.ttlMillis(dep("d"))).isEqualTo(-1);
  }

  @Test
  void invalidateRemovesEveryDependentAndTheSet() {
    String d = dep("user:1");
    for (int i = 0; i < 5; i++) {
      store.put(entry("k" + i), bytes("x"), 60_000, List.of(d, dep("other")));
    }
    store.put(entry("unrelated"), bytes("x"), 60_000, List.of(dep("other")));

    assertThat(store.invalidate(List.of(d))).isEqualTo(5);

    for (int i = 0; i < 5; i++) {
      assertThat(store.exists(entry("k" + i))).isFalse();
    }
    assertThat(store.exists(entry("unrelated"))).isTrue();
    assertThat(store.exists(d)).isFalse();
  }

  /** More dependents than one script drains, read in pages of growing size (RedisInvalidator). */
  @Test
  void invalidateRemovesEveryDependentOfALargeSet() {
    String d = dep("popular");
    int count = 3_000;
    for (int i = 0; i < count; i++) {
      store.put(entry("p" + i), bytes("x"), 60_000, List.of(d));
    }
    store.put(entry("unrelated"), bytes("x"), 60_000, List.of(dep("other")));

    assertThat(store.invalidate(List.of(d))).isEqualTo(count);

    for (int i = 0; i < count; i++) {
      assertThat(store.exists(entry("p" + i))).as("p%d", i).isFalse();
    }
    assertThat(store.exists(entry("unrelated"))).isTrue();
    assertThat(store.exists(d)).isFalse();
    assertThat(store.invalidate(List.of(d))).isZero();
  }

  @Test
  void invalidateCountsOnlyEntriesThatStillExisted() {
    store.put(entry("a"), bytes("x"), 60_000, List.of(dep("d")));
    store.put(entry("b"), bytes("x"), 60_000, List.of(dep("d")));
    store.delete(List.of(entry("a")));

    assertThat(store.invalidate(List.of(dep("d"), dep("never-registered")))).isEqualTo(1);
  }

  @Test
  void registrationsAfterAnInvalidationStartAFreshSet() {
    store.put(entry("a"), bytes("x"), 60_000, List.of(dep("d")));
    store.invalidate(List.of(dep("d")));

    store.put(entry("a"), bytes("y"), 60_000, List.of(dep("d")));
    assertThat(store.get(entry("a"))).isEqualTo(bytes("y"));

    assertThat(store.invalidate(List.of(dep("d")))).isEqualTo(1);
    assertThat(store.exists(entry("a"))).isFalse();
  }

  @Test
  void invalidateReachesEntriesOfOtherManagers() {
    String shared = KeyLayout.dependencyKey(otherNs, "user:1");
    String ownEntry = entry("profile");
    String otherEntry = KeyLayout.entryKey(otherNs, "settings");
    store.put(ownEntry, bytes("x"), 60_000, List.of(shared));
    store.put(otherEntry, bytes("x"), 60_000, List.of(shared));

    assertThat(store.invalidate(List.of(shared))).isEqualTo(2);
    assertThat(store.exists(ownEntry)).isFalse();
    assertThat(store.exists(otherEntry)).isFalse();
  }

  @Test
  void clearRemovesOnlyItsNamespaceAndCountsEntries() {
    for (int i = 0; i < 3; i++) {
      store.put(entry("k" + i), bytes("x"), 60_000, List.of(dep("d" + i)));
    }
    String otherEntry = KeyLayout.entryKey(otherNs, "k");
    store.put(otherEntry, bytes("x"), 60_000, List.of(KeyLayout.dependencyKey(otherNs, "d")));

    assertThat(store.clear(ns)).isEqualTo(3);

    assertThat(store.exists(entry("k0"))).isFalse();
    assertThat(store.exists(dep("d0"))).isFalse();
    assertThat(store.exists(otherEntry)).isTrue();
    assertThat(store.exists(KeyLayout.dependencyKey(otherNs, "d"))).isTrue();
  }

  @Test
  void clearCountsEntriesNotTheFencesOfDeletedOnes() {
    store.put(entry("kept"), bytes("x"), 60_000, List.of());
    store.put(entry("gone"), bytes("x"), 60_000, List.of());
    assertThat(store.delete(List.of(entry("gone"), entry("never")))).isEqualTo(1);

    assertThat(store.clear(ns)).isEqualTo(1);
  }

  @Test
  void clearTakesGlobCharactersInTheNamespaceLiterally() {
    String base = newPrefix();
    String globby = KeyLayout.namespace(base + "[1]*?\\", "m");
    String lookalike = KeyLayout.namespace(base + "1x?\\", "m");
    store.put(KeyLayout.entryKey(globby, "k"), bytes("x"), 60_000, List.of());
    store.put(KeyLayout.entryKey(lookalike, "k"), bytes("x"), 60_000, List.of());

    assertThat(store.clear(globby)).isEqualTo(1);
    assertThat(store.exists(KeyLayout.entryKey(lookalike, "k"))).isTrue();

    store.clear(lookalike);
  }

  @Test
  void concurrentPutsAndInvalidationsLeaveNoEntryOutsideItsSet() throws Exception {
    String d = dep("hot");
    ExecutorService pool = Executors.newFixedThreadPool(4);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<?>> tasks = new ArrayList<>();
      for (int t = 0; t < 3; t++) {
        int writer = t;
        tasks.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int i = 0; i < 300; i++) {
                    store.put(entry(writer + ":" + i), bytes("x"), 60_000, List.of(d));
                  }
                  return null;
                }));
      }
      tasks.add(
          pool.submit(
              () -> {
                start.await();
                for (int i = 0; i < 100; i++) {
                  store.invalidate(Set.of(d));
                }
                return null;
              }));
      start.countDown();
      for (Future<?> task : tasks) {
        task.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    store.invalidate(List.of(d));

    for (int t = 0; t < 3; t++) {
      for (int i = 0; i < 300; i++) {
        assertThat(store.exists(entry(t + ":" + i))).as("entry %s:%s", t, i).isFalse();
      }
    }
  }
}
