package io.depcache.agent.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.depcache.testing.RedisServer;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.RedisClient;

/**
 * The invalidation's own steps ({@link RedisInvalidator}): a drain stopped half way is finished
 * later, writes that race a long drain are removed or refused, and many small sets share round
 * trips. On a server of its own, whose command counts the tests read.
 */
class RedisInvalidatorIT {
  private static final String NS = KeyLayout.namespace("drain", "m");
  private static RedisServer server;
  private static RedisClient admin;

  private RedisStore store;

  @BeforeAll
  static void startServer() {
    server = RedisServer.start();
    admin = RedisClient.create(server.url());
  }

  @AfterAll
  static void stopServer() {
    admin.close();
    server.close();
  }

  @BeforeEach
  void connect() {
    admin.flushAll();
    store = RedisStore.connect(server.url(), 2_000);
  }

  @AfterEach
  void close() {
    store.close();
  }

  private static String entry(String key) {
    return KeyLayout.entryKey(NS, key);
  }

  private static String dep(String dependency) {
    return KeyLayout.dependencyKey(NS, dependency);
  }

  /** Registers {@code count} entries in the dependency through the store's own writes. */
  private void writeDependents(String dependencyKey, String prefix, int count) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> parts = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int first = t;
        parts.add(
            pool.submit(
                () -> {
                  for (int i = first; i < count; i += 4) {
                    store.put(
                        entry(prefix + i), "v".getBytes(UTF_8), 600_000, List.of(dependencyKey));
                  }
                }));
      }
      for (Future<?> part : parts) {
        part.get(120, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdown();
    }
  }

  private long existing(String prefix, int count) {
    long found = 0;
    for (int i = 0; i < count; i++) {
      if (admin.exists(entry(prefix + i))) {
        found++;
      }
    }
    return found;
  }

  /**
   * Detaches and drains one page, as an invalidation does before it stops half way: the set is
   * large, so the script only detached it, and the client read one page of it.
   */
  private void stopHalfWay(String dependencyKey) {
    RedisInvalidator invalidator = store.invalidator();
    RedisInvalidator.Detachment detached = invalidator.detach(List.of(dependencyKey));
    assertThat(detached.left()).as("one script is not enough for the set").hasSize(1);
    assertThat(detached.removed()).as("too large for the script to drain").isZero();
    RedisInvalidator.Detached set = detached.left().get(0);
    assertThat(set.read()).isTrue();
    assertThat(invalidator.drainSorted(set, 1)).isEqualTo(RedisInvalidator.FIRST_READ);
    assertThat(set.done()).isFalse();
  }

  @Test
  void aDrainStoppedHalfWayIsFinishedByTheNextInvalidation() throws Exception {
    int count = 3 * RedisInvalidator.READ;
    writeDependents(dep("d"), "k", count);

    stopHalfWay(dep("d"));
    long left = existing("k", count);
    assertThat(left).isBetween(1L, count - 1L);
    assertThat(admin.scard(KeyLayout.drainingKey(dep("d")))).isEqualTo(1);

    // The next invalidation finds no set to detach, but the one left half drained.
    assertThat(store.invalidate(List.of(dep("d")))).isEqualTo(left);

    assertThat(existing("k", count)).isZero();
    assertThat(admin.exists(KeyLayout.drainingKey(dep("d")))).isFalse();
    assertThat(admin.keys(KeyLayout.scanPattern(NS))).containsExactly(KeyLayout.fenceKey(dep("d")));
  }

  @Test
  void aDrainStoppedHalfWayIsFinishedByItsRetry() throws Exception {
    int count = 3 * RedisInvalidator.READ;
    writeDependents(dep("d"), "k", count);
    AtomicBoolean failNext = new AtomicBoolean(true);
    CountDownLatch checked = new CountDownLatch(1);
    // The store as ResilientStore sees it: its first invalidation stops half way and fails, as
    // one whose drain script timed out would; the others (the retry) are the store's own, once
    // the test has seen what the first one left.
    CacheStore failsHalfWay =
        (CacheStore)
            Proxy.newProxyInstance(
                CacheStore.class.getClassLoader(),
                new Class<?>[] {CacheStore.class},
                (proxy, method, args) -> {
                  if (method.getName().equals("invalidate")) {
                    if (failNext.getAndSet(false)) {
                      stopHalfWay(((Collection<?>) args[0]).iterator().next().toString());
                      throw new StoreException("Redis drain script timed out (the test's)");
                    }
                    checked.await();
                  }
                  try {
                    return method.invoke(store, args);
                  } catch (InvocationTargetException e) {
                    throw e.getCause();
                  }
                });
    try (ResilientStore resilient =
        new ResilientStore(failsHalfWay, "drain:", 10, 100, 100_000, System::nanoTime, null)) {
      assertThatThrownBy(() -> resilient.invalidate(List.of(dep("d"))))
          .isInstanceOf(StoreException.class);
      assertThat(existing("k", count)).isBetween(1L, count - 1L);
      checked.countDown();

      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (resilient.pendingInvalidations() > 0) {
        assertThat(System.nanoTime()).as("waiting for the retry").isLessThan(deadline);
        Thread.sleep(20);
      }
    }

    assertThat(existing("k", count)).isZero();
    assertThat(admin.exists(KeyLayout.drainingKey(dep("d")))).isFalse();
  }

  @Test
  void writesRacingALargeDrainAreRemovedOrRefused() throws Exception {
    int count = 40_000;
    writeDependents(dep("hot"), "old", count);
    // A sequence, so that the epoch that the first fence would begin refuses nothing by itself.
    store.invalidate(List.of(dep("unrelated")));
    AtomicBoolean invalidated = new AtomicBoolean();
    AtomicInteger written = new AtomicInteger();
    AtomicInteger refused = new AtomicInteger();
    ExecutorService writers = Executors.newFixedThreadPool(4);
    List<Future<?>> tasks = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      int writer = t;
      tasks.add(
          writers.submit(
              () -> {
                // Computations that read their data, take up to 2 ms, then write what they read:
                // its sequence. Many straddle the invalidation's fence; the last 20 of each writer
                // begin after it returned.
                for (int i = 0, after = 0; after < 20; i++) {
                  if (invalidated.get()) {
                    after++;
                  }
                  String key = entry("new:" + writer + ":" + i);
                  long sequence = store.lookup(key).sequence();
                  LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(2_000_000));
                  byte[] value = Long.toString(sequence).getBytes(UTF_8);
                  boolean stored =
                      store.putIfUnchangedSince(
                          key,
                          value,
                          600_000,
                          List.of(dep("hot")),
                          sequence,
                          new long[] {sequence});
                  (stored ? written : refused).incrementAndGet();
                }
                return null;
              }));
    }
    Thread.sleep(20);
    // One computation that surely straddles the fence: it reads before the invalidation begins and
    // writes after it returned (the writers' straddle it by chance, on a busy machine not always).
    String straddlingKey = entry("straddling");
    long straddling = store.lookup(straddlingKey).sequence();
    long removed = store.invalidate(List.of(dep("hot")));
    invalidated.set(true);
    boolean straddlingStored =
        store.putIfUnchangedSince(
            straddlingKey,
            Long.toString(straddling).getBytes(UTF_8),
            600_000,
            List.of(dep("hot")),
            straddling,
            new long[] {straddling});
    for (Future<?> task : tasks) {
      task.get(60, TimeUnit.SECONDS);
    }
    writers.shutdown();

    assertThat(removed).isGreaterThanOrEqualTo(count);
    assertThat(existing("old", count)).isZero();
    // The one invalidation of this test raised the sequence to its fence.
    long fence = Long.parseLong(admin.get("depcache:seq"));
    int fresh = 0;
    for (String key : admin.keys(KeyLayout.scanPattern(KeyLayout.entryKey(NS, "new:")))) {
      long readAt = Long.parseLong(admin.get(key));
      assertThat(readAt)
          .as("%s was computed from data read before the fence", key)
          .isGreaterThanOrEqualTo(fence);
      fresh++;
    }
    assertThat(straddlingStored)
        .as("a write of data read before the fence (%d writers' writes refused)", refused.get())
        .isFalse();
    assertThat(fresh).as("fresh writes after the invalidation").isPositive();
  }

  @Test
  void aLargeSortedSetIsReadByTheClientInPagesAndUnlinkedInBatches() throws Exception {
    int count = 2 * RedisInvalidator.READ + 100;
    writeDependents(dep("d"), "k", count);
    admin.sendCommand(Protocol.Command.CONFIG, "RESETSTAT");

    assertThat(store.invalidate(List.of(dep("d")))).isEqualTo(count);

    assertThat(existing("k", count)).isZero();
    assertThat(admin.keys(KeyLayout.scanPattern(NS))).containsExactly(KeyLayout.fenceKey(dep("d")));
    assertThat(scriptCalls())
        .as("the detach script alone: no script reads the members")
        .isEqualTo(1);
    // 1,024, 4,096, 8,192, then the last 3,172 of a page of 8,192
    assertThat(calls("zrange")).as("pages read").isEqualTo(4);
    // the members in batches, then the set itself
    assertThat(calls("unlink"))
        .isEqualTo((count + RedisInvalidator.UNLINK_BATCH - 1) / RedisInvalidator.UNLINK_BATCH + 1);
  }

  /**
   * Up to {@link RedisInvalidator#READ_AHEAD} dependencies, each large set's first page is read in
   * the detach script's round trip; past that, by the client's first read. Either way every
   * dependent of every set goes, a small set's too.
   */
  @Test
  void largeSetsOfManyDependenciesAreReadFromTheirFirstPageOn() throws Exception {
    for (int dependencies : new int[] {3, RedisInvalidator.READ_AHEAD + 2}) {
      List<String> deps = new ArrayList<>();
      long count = 0;
      for (int d = 0; d < dependencies; d++) {
        String prefix = "m" + dependencies + "-" + d + ":";
        int dependents = d == 1 ? 20 : RedisInvalidator.FIRST_READ + 500 + d;
        writeDependents(dep(prefix), prefix, dependents);
        deps.add(dep(prefix));
        count += dependents;
      }
      store.invalidate(List.of(dep("unrelated"))); // the scripts are loaded: no NOSCRIPT below
      admin.sendCommand(Protocol.Command.CONFIG, "RESETSTAT");

      assertThat(store.invalidate(deps)).as("%d dependencies", dependencies).isEqualTo(count);

      for (int d = 0; d < dependencies; d++) {
        String prefix = "m" + dependencies + "-" + d + ":";
        assertThat(existing(prefix, RedisInvalidator.FIRST_READ + 500 + d)).isZero();
        assertThat(admin.exists(KeyLayout.drainingKey(dep(prefix)))).isFalse();
      }
      // Two pages of each large set, the first and the rest, and the script's one of the small set.
      // Read ahead, the first page of every dependency's set is asked for with the script, and the
      // client reads only the rest (the small set's read is empty: the script drained it).
      int large = dependencies - 1;
      assertThat(calls("zrange"))
          .as("pages read, %d dependencies", dependencies)
          .isEqualTo(
              dependencies <= RedisInvalidator.READ_AHEAD
                  ? dependencies + large + 1
                  : 2 * large + 1);
    }
  }

  @Test
  void aLargePlainSetFromAnAgentBeforeTheSortedSetsIsDrainedByScripts() {
    int count = 3 * RedisInvalidator.SCRIPT_MOST;
    String d = dep("legacy");
    for (int i = 0; i < count; i++) {
      admin.psetex(entry("old" + i), 60_000, "x");
      admin.sadd(d, entry("old" + i));
    }
    admin.sendCommand(Protocol.Command.CONFIG, "RESETSTAT");

    assertThat(store.invalidate(List.of(d))).isEqualTo(count);

    assertThat(existing("old", count)).isZero();
    assertThat(admin.keys(KeyLayout.scanPattern(NS))).containsExactly(KeyLayout.fenceKey(d));
    // The client reads no page of a plain set. The one ZRANGE is the read ahead that goes out with
    // the detach script: refused (WRONGTYPE) when the script left part of the set for a drain
    // script, answered empty when the script drained all of it within its budget (a fast machine).
    assertThat(attempts("zrange")).isLessThanOrEqualTo(1);
  }

  @Test
  void aSmallInvalidationIsOneScript() {
    for (int i = 0; i < 20; i++) {
      store.put(entry("k" + i), "v".getBytes(UTF_8), 600_000, List.of(dep("d")));
    }
    admin.sendCommand(Protocol.Command.CONFIG, "RESETSTAT");

    assertThat(store.invalidate(List.of(dep("d")))).isEqualTo(20);

    assertThat(scriptCalls()).isEqualTo(1);
    assertThat(admin.keys(KeyLayout.scanPattern(NS))).containsExactly(KeyLayout.fenceKey(dep("d")));
  }

  @Test
  void aFollowUpOfASmallInvalidationRunsInItsRoundTripAfterIt() {
    for (int i = 0; i < 20; i++) {
      store.put(entry("k" + i), "v".getBytes(UTF_8), 600_000, List.of(dep("d")));
    }
    FollowUp followUp = countingDependents(dep("d"));
    admin.sendCommand(Protocol.Command.CONFIG, "RESETSTAT");

    assertThat(store.invalidate(List.of(dep("d")), followUp)).isEqualTo(20);

    assertThat(followUp.answered()).as("run with the invalidation").isTrue();
    assertThat(followUp.reply()).as("after the invalidation was applied").isEqualTo(0L);
    assertThat(scriptCalls()).as("the detach script and the follow-up").isEqualTo(2);
  }

  @Test
  void aFollowUpOfAnInvalidationOfSeveralRoundTripsIsLeftToTheCaller() throws Exception {
    writeDependents(dep("d"), "k", 3 * RedisInvalidator.MAX_MEMBERS);
    FollowUp followUp = countingDependents(dep("d"));

    assertThat(store.invalidate(List.of(dep("d")), followUp))
        .isEqualTo(3 * RedisInvalidator.MAX_MEMBERS);

    // it may have run with the first script, before the drains: it is not answered
    assertThat(followUp.answered()).isFalse();
  }

  @Test
  void aFollowUpThatTheServerDoesNotKnowYetIsLeftToTheCaller() {
    store.put(entry("k"), "v".getBytes(UTF_8), 600_000, List.of(dep("d")));
    FollowUp followUp = countingDependents(dep("d"));
    admin.sendCommand(Protocol.Command.SCRIPT, "FLUSH");

    assertThat(store.invalidate(List.of(dep("d")), followUp)).isEqualTo(1);

    assertThat(followUp.answered()).isFalse();
    assertThat(admin.exists(entry("k"))).isFalse();
  }

  /**
   * A follow-up that counts the entries still registered in a dependency set; the server knows it,
   * and the detach script (scripts the server does not know run alone: see the test above).
   */
  private FollowUp countingDependents(String dependencyKey) {
    store.invalidate(List.of(dep("nothing"))); // loads the detach script
    LuaScript script = LuaScript.load("test-count-dependents.lua");
    admin.sendCommand(Protocol.Command.SCRIPT, "LOAD".getBytes(UTF_8), script.source());
    return new FollowUp(script, List.of(dependencyKey.getBytes(UTF_8)), List.of());
  }

  @Test
  void manySmallSetsShareTheirDrainScripts() {
    List<String> dependencies = new ArrayList<>();
    for (int d = 0; d < 500; d++) {
      dependencies.add(dep("d" + d));
      for (int i = 0; i < 2; i++) {
        store.put(entry(d + ":" + i), "v".getBytes(UTF_8), 600_000, List.of(dep("d" + d)));
      }
    }
    admin.sendCommand(Protocol.Command.CONFIG, "RESETSTAT");

    assertThat(store.invalidate(dependencies)).isEqualTo(1_000);

    // 4 scripts fence, detach and drain 128 dependencies each; what one budget (2 ms of Redis'
    // time) did not finish, drain scripts of 64 sets each: 4 to 12 here alone, 14 once under
    // load. The point is the sharing: one set per drain script would take over 500.
    assertThat(scriptCalls()).isBetween(4L, 40L);
    assertThat(admin.keys(KeyLayout.scanPattern(NS))).allMatch(key -> key.endsWith("\u0000fence"));
  }

  /** Calls of {@code command} since the last reset, those that failed included. */
  private long attempts(String command) {
    return commandStat(command, "calls");
  }

  /** Calls of a command that the server answered since the last reset. */
  private long calls(String command) {
    return commandStat(command, "calls") - commandStat(command, "failed_calls");
  }

  /** One field of {@code INFO commandstats} for a command; 0 when it did not run. */
  private long commandStat(String command, String field) {
    String stats =
        new String((byte[]) admin.sendCommand(Protocol.Command.INFO, "commandstats"), UTF_8);
    for (String line : stats.split("\r\n")) {
      if (line.startsWith("cmdstat_" + command + ":")) {
        return Long.parseLong(line.replaceAll(".*[:,]" + field + "=(\\d+).*", "$1"));
      }
    }
    return 0;
  }

  /**
   * Scripts the server ran since the last reset; an EVALSHA that the server answered NOSCRIPT
   * (failed, then sent again as EVAL) counts once.
   */
  private long scriptCalls() {
    long calls = 0;
    String stats =
        new String((byte[]) admin.sendCommand(Protocol.Command.INFO, "commandstats"), UTF_8);
    for (String line : stats.split("\r\n")) {
      if (line.startsWith("cmdstat_evalsha:") || line.startsWith("cmdstat_eval:")) {
        calls += Long.parseLong(line.replaceAll("^[^:]*:calls=(\\d+),.*", "$1"));
        calls -= Long.parseLong(line.replaceAll(".*,failed_calls=(\\d+).*", "$1"));
      }
    }
    return calls;
  }
}
