package io.depcache.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.example.fixtures.Box;
import com.example.fixtures.Calls;
import com.example.fixtures.Dashboard;
import com.example.fixtures.Keyed;
import com.example.fixtures.KeyedByCachedCall;
import com.example.fixtures.NotFoundException;
import com.example.fixtures.Opaque;
import com.example.fixtures.Team;
import com.example.fixtures.User;
import com.example.fixtures.UserService;
import io.depcache.CacheEvent;
import io.depcache.CacheEventListener;
import io.depcache.CacheEventType;
import io.depcache.CacheManager;
import io.depcache.DepCache;
import io.depcache.StatsCollector;
import io.depcache.agent.AgentMain;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What a cached method does, through the real agent installed into this JVM, against each backend:
 * subclasses choose memory or Redis.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class CachingBehaviourTest {
  AgentMain.Installation installation;
  UserService users;
  Dashboard dashboard;

  abstract Map<String, String> settings();

  @BeforeEach
  void setUp() {
    if (installation == null) {
      installation = AgentTestSupport.install(settings());
    }
    DepCache.manager().clear();
    DepCache.manager("reports").clear();
    Calls.reset();
    users = new UserService();
    dashboard = new Dashboard(users);
  }

  @AfterAll
  void tearDown() {
    if (installation != null) {
      installation.uninstall();
    }
  }

  @Test
  void aHitSkipsTheBody() {
    assertThat(DepCache.isAgentActive()).isTrue();
    User first = users.user(1);
    User second = users.user(1);
    assertThat(second).isEqualTo(first);
    assertThat(Calls.count("user")).isEqualTo(1);
    users.user(2);
    assertThat(Calls.count("user")).isEqualTo(2);
  }

  @Test
  void staticPrivateAndFinalMethodsAndCallsFromInsideTheClassAreCached() {
    assertThat(UserService.square(7)).isEqualTo(49);
    assertThat(UserService.square(7)).isEqualTo(49);
    assertThat(Calls.count("square")).isEqualTo(1);
    assertThat(users.callPrivate("ab")).isTrue();
    assertThat(users.callPrivate("ab")).isTrue();
    assertThat(Calls.count("privateFlag")).isEqualTo(1);
    assertThat(users.maybeNull("x")).isNull();
    assertThat(users.maybeNull("x")).isNull();
    assertThat(Calls.count("maybeNull")).isEqualTo(1);
  }

  @Test
  void nullsAreCachedUnlessCacheNullsIsFalse() {
    users.neverNull("x");
    users.neverNull("x");
    assertThat(Calls.count("neverNull")).isEqualTo(2);
  }

  @Test
  void optionalIsCachedByContent() {
    assertThat(users.optional("abc")).contains("ABC");
    assertThat(users.optional("abc")).contains("ABC");
    assertThat(users.optional("")).isEqualTo(Optional.empty());
    assertThat(users.optional("")).isEqualTo(Optional.empty());
    assertThat(Calls.count("optional")).isEqualTo(2);
  }

  @Test
  void listedExceptionsAreCachedAndRethrownOthersAreNot() {
    assertThatThrownBy(() -> users.find(5))
        .isExactlyInstanceOf(NotFoundException.class)
        .hasMessage("no user 5");
    assertThatThrownBy(() -> users.find(5))
        .isExactlyInstanceOf(NotFoundException.class)
        .hasMessage("no user 5");
    assertThat(Calls.count("find")).isEqualTo(1);

    assertThatThrownBy(() -> users.failing(5)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> users.failing(5)).isInstanceOf(IllegalStateException.class);
    assertThat(Calls.count("failing")).isEqualTo(2);
  }

  @Test
  void keysTellArgumentsApartAndOverloadsApart() {
    assertThat(users.joined("a,b")).isEqualTo("a,b");
    assertThat(users.joined("a", "b")).isEqualTo("a|b");
    assertThat(users.joined("a\",\"b")).isEqualTo("a\",\"b");
    assertThat(Calls.count("joined1")).isEqualTo(2);
    assertThat(users.overloaded(1)).isEqualTo("int1");
    assertThat(users.overloaded(1L)).isEqualTo("long1");
    assertThat(Calls.count("overloaded-int")).isEqualTo(1);
    assertThat(Calls.count("overloaded-long")).isEqualTo(1);
  }

  @Test
  void theKeyIsReadableAndLongKeysAreBounded() {
    String key = users.withTtl("x");
    assertThat(key).isEqualTo("x@com.example.fixtures.UserService#withTtl(\"x\")");
    String longKey = users.longKey("y".repeat(5000));
    assertThat(longKey.length()).isLessThanOrEqualTo(KeyForms.MAX_KEY_LENGTH);
    assertThat(longKey).startsWith("com.example.fixtures.UserService#longKey(\"yyy");
    assertThat(users.longKey("y".repeat(5000))).isEqualTo(longKey);
    assertThat(users.longKey("y".repeat(4999) + "z")).isNotEqualTo(longKey);
    assertThat(Calls.count("longKey")).isEqualTo(2);
  }

  @Test
  void anArgumentWithNoStableKeyRunsUncachedAndNeverPutsAnIdentityHashInAKey() {
    assertThat(users.opaque(new Opaque(1))).isEqualTo("opaque1");
    assertThat(users.opaque(new Opaque(1))).isEqualTo("opaque1");
    assertThat(Calls.count("opaque")).isEqualTo(2);
  }

  @Test
  void cacheKeyedArgumentsUseTheirOwnKey() {
    assertThat(users.keyed(new Keyed("acme", 3)))
        .isEqualTo("com.example.fixtures.UserService#keyed(acme/3)");
    users.keyed(new Keyed("acme", 3));
    assertThat(Calls.count("keyed")).isEqualTo(1);
  }

  @Test
  void aKeyFormThatMakesACachedCallLeavesBothKeysWhole() {
    // The inner call renders its key on the thread that is rendering the outer one.
    String tail = "t".repeat(2_000); // and a long key: the next one is rendered afresh
    String expected =
        "com.example.fixtures.UserService#keyedByCall("
            + "outer:com.example.fixtures.UserService#keyed(acme/1),\""
            + tail
            + "\")";

    assertThat(users.keyedByCall(new KeyedByCachedCall(users, "acme"), tail))
        .isEqualTo(KeyForms.bound(expected));
    assertThat(users.keyed(new Keyed("acme", 3)))
        .isEqualTo("com.example.fixtures.UserService#keyed(acme/3)");
    users.keyedByCall(new KeyedByCachedCall(users, "acme"), tail);
    assertThat(Calls.count("keyedByCall")).isEqualTo(1);
    assertThat(Calls.count("keyed")).isEqualTo(2);
  }

  @Test
  void ttlComesFromTheAnnotationAndSetTtlWins() {
    String key = users.withTtl("t").substring(2);
    assertThat(DepCache.manager().ttl(key)).isBetween(100L, 120L);
    String overridden = users.overriddenTtl("t");
    assertThat(DepCache.manager().ttl(overridden)).isBetween(1L, 7L);
    String forever = users.forever("t");
    assertThat(DepCache.manager().ttl(forever)).isEqualTo(-1);
    assertThat(DepCache.manager().ttl("no such key")).isEqualTo(-2);
  }

  @Test
  void currentCacheKeyIsNullOutsideACachedCall() {
    assertThat(DepCache.currentCacheKey()).isNull();
    DepCache.addDependency("ignored:outside");
    DepCache.setTtl(5);
  }

  @Test
  void templatesResolveArgumentsByIndexNameAndPropertyPath() {
    User user = new User(42, "ann", new Team(9, "blue"));
    assertThat(users.profile(user)).isEqualTo("profile:42:9");
    users.profile(user);
    assertThat(Calls.count("profile")).isEqualTo(1);
    assertThat(DepCache.manager().invalidateDependency("team:9")).isEqualTo(1);
    users.profile(user);
    assertThat(Calls.count("profile")).isEqualTo(2);
  }

  @Test
  void aCollectionArgumentDependsOnEachElement() {
    users.names(List.of(1L, 2L, 3L));
    users.nameSuffix = "'";
    assertThat(users.names(List.of(1L, 2L, 3L))).containsExactly("user1", "user2", "user3");
    assertThat(DepCache.manager().invalidateDependency("user:2")).isEqualTo(1);
    assertThat(users.names(List.of(1L, 2L, 3L))).containsExactly("user1'", "user2'", "user3'");
  }

  @Test
  void aTemplateThatCannotResolveRunsTheCallUncached() {
    User user = new User(1, "a", new Team(1, "t"));
    assertThat(users.brokenTemplate(user)).isEqualTo("x");
    assertThat(users.brokenTemplate(user)).isEqualTo("x");
    assertThat(Calls.count("brokenTemplate")).isEqualTo(2);
  }

  @Test
  void anUnserializableResultRunsUncached() {
    Box box = users.unserializable("x");
    assertThat(box.content).isEqualTo("x");
    users.unserializable("x");
    assertThat(Calls.count("unserializable")).isEqualTo(2);
  }

  @Test
  void invalidationRemovesEveryDependentEntry() {
    users.user(1);
    users.declares("user:1");
    users.user(2);
    assertThat(DepCache.manager().invalidateDependency("user:1")).isEqualTo(2);
    users.user(1);
    users.declares("user:1");
    users.user(2);
    assertThat(Calls.count("user")).isEqualTo(3);
    assertThat(Calls.count("declares")).isEqualTo(2);
  }

  @Test
  void anOuterEntryInheritsTheDependenciesOfInnerMissesAndInnerHits() {
    users.user(7); // inner entry cached before the outer call: the outer call will hit it
    dashboard.dashboard(5); // user(5), user(7) missed or hit inside teamMembers, user(105) missed
    assertThat(Calls.count("dashboard")).isEqualTo(1);
    int userCalls = Calls.count("user");

    // user:7 was a hit inside the computation; the outer entries still depend on it.
    assertThat(DepCache.manager().invalidateDependency("user:7")).isEqualTo(3);
    dashboard.dashboard(5);
    assertThat(Calls.count("dashboard")).isEqualTo(2);
    assertThat(Calls.count("teamMembers")).isEqualTo(2);
    assertThat(Calls.count("user")).isEqualTo(userCalls + 1);

    // Now the inner entries exist; a fresh outer computation hits all of them.
    DepCache.manager().invalidateDependency("dashboard:5");
    dashboard.dashboard(5);
    assertThat(Calls.count("teamMembers")).isEqualTo(2);
    assertThat(DepCache.manager().invalidateDependency("team:5")).isEqualTo(2);
    assertThat(DepCache.manager().invalidateDependency("user:105")).isEqualTo(1);
  }

  @Test
  void aDependencyOfAnotherManagerInvalidatesAcrossManagers() {
    assertThat(dashboard.report(3)).isEqualTo("report of user3");
    dashboard.report(3);
    assertThat(Calls.count("report")).isEqualTo(1);
    assertThat(DepCache.manager("reports").clear()).isEqualTo(1);
    dashboard.report(3);
    assertThat(DepCache.manager().invalidateDependency("user:3")).isEqualTo(2);
    dashboard.report(3);
    assertThat(Calls.count("report")).isEqualTo(3);
  }

  @Test
  void recursionOnTheSameKeyDoesNotDeadlock() {
    assertThat(users.recurseSame(1)).isEqualTo(1);
    assertThat(users.recurseSame(1)).isEqualTo(1);
    assertThat(Calls.count("recurseSame")).isEqualTo(2);
    assertThat(users.fib(40)).isEqualTo(102334155L);
    assertThat(Calls.count("fib")).isEqualTo(41);
  }

  @Test
  void manualOperations() {
    CacheManager manager = DepCache.manager();
    assertThat(manager.name()).isEqualTo("default");
    manager.set("k", "v");
    assertThat(manager.<String>get("k")).isEqualTo("v");
    assertThat(manager.exists("k")).isTrue();
    manager.set("k2", List.of(1, 2), 60, List.of("d1", "d2"));
    assertThat(manager.ttl("k2")).isBetween(50L, 60L);
    manager.set("k3", null, 0, List.of("d2"));
    assertThat(manager.exists("k3")).isTrue();
    assertThat(manager.<Object>get("k3")).isNull();
    assertThat(manager.invalidateDependencies(List.of("d1", "d2"))).isEqualTo(2);
    assertThat(manager.exists("k2")).isFalse();
    assertThat(manager.delete("k", "nothing")).isEqualTo(1);
    assertThat(manager.<Object>get("k")).isNull();
    assertThatThrownBy(() -> manager.set("bad", new Box("x")))
        .hasMessageContaining("bad")
        .hasMessageContaining(Box.class.getName());
    assertThatThrownBy(() -> manager.invalidateDependency(""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("dependency");
  }

  @Test
  void getOrComputeTracksDependenciesAddedInsideTheLoader() {
    CacheManager manager = DepCache.manager();
    String value =
        manager.getOrCompute(
            "page:home",
            60,
            () -> {
              DepCache.addDependency("page");
              return users.user(11).name();
            });
    assertThat(value).isEqualTo("user11");
    assertThat(manager.<String>getOrCompute("page:home", 60, () -> "other")).isEqualTo("user11");
    assertThat(manager.invalidateDependency("user:11")).isEqualTo(2);
    assertThat(manager.<String>getOrCompute("page:home", 60, () -> "other")).isEqualTo("other");
  }

  @Test
  void eventsReachListenersAndAThrowingListenerBreaksNothing() {
    CacheManager manager = DepCache.manager();
    List<CacheEvent> seen = new CopyOnWriteArrayList<>();
    StatsCollector stats = new StatsCollector();
    CacheEventListener all = seen::add;
    CacheEventListener broken =
        e -> {
          throw new IllegalStateException("listener bug");
        };
    manager.events().onAll(all);
    manager.events().onAll(stats);
    manager.events().on(CacheEventType.HIT, broken);
    try {
      users.user(21);
      users.user(21);
      manager.invalidateDependency("user:21");
    } finally {
      // the same instances: a new method reference would remove nothing and leave them listening
      manager.events().offAll(all);
      manager.events().offAll(stats);
      manager.events().offAll(broken);
    }
    assertThat(seen)
        .extracting(CacheEvent::type)
        .contains(
            CacheEventType.MISS, CacheEventType.SET, CacheEventType.HIT, CacheEventType.INVALIDATE);
    CacheEvent set = seen.stream().filter(e -> e.type() == CacheEventType.SET).findFirst().get();
    assertThat(set.manager()).isEqualTo("default");
    assertThat(set.method()).isEqualTo("com.example.fixtures.UserService#user");
    assertThat(set.dependencies()).containsExactly("user:21");
    assertThat(set.key()).isEqualTo("com.example.fixtures.UserService#user(21)");
    assertThat(set.timestamp()).isPositive();
    CacheEvent invalidate =
        seen.stream().filter(e -> e.type() == CacheEventType.INVALIDATE).findFirst().get();
    assertThat(invalidate.count()).isEqualTo(1);
    assertThat(stats.getStats().hits()).isEqualTo(1);
    assertThat(stats.getStats().misses()).isEqualTo(1);
    assertThat(stats.hitRatio()).isEqualTo(0.5);
  }

  @Test
  void asyncOperationsRunOnABoundedSetOfNamedDaemonThreadsAndNeverBlockTheCaller()
      throws Exception {
    CacheManager manager = DepCache.manager();
    CountDownLatch release = new CountDownLatch(1);
    Set<Thread> threads = ConcurrentHashMap.newKeySet();
    List<CompletableFuture<String>> futures = new ArrayList<>();
    long start = System.nanoTime();
    for (int i = 0; i < 200; i++) {
      int n = i;
      futures.add(
          manager
              .async()
              .getOrCompute(
                  "bounded:" + n,
                  60,
                  () -> {
                    threads.add(Thread.currentThread());
                    release.await(10, TimeUnit.SECONDS);
                    return "v" + n;
                  }));
    }
    long submitMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertThat(futures).allMatch(f -> !f.isDone());
    assertThat(submitMillis).as("200 submissions while every thread is busy").isLessThan(2_000);
    release.countDown();
    for (CompletableFuture<String> future : futures) {
      future.get(10, TimeUnit.SECONDS);
    }
    int bound = Math.max(4, Runtime.getRuntime().availableProcessors() * 2);
    assertThat(threads).hasSizeLessThanOrEqualTo(bound);
    assertThat(threads).allMatch(Thread::isDaemon);
    assertThat(threads).allMatch(t -> t.getName().startsWith("depcache-async-"));
  }

  @Test
  void asyncOperationsNeverRunOnTheCallersThread() throws Exception {
    CacheManager manager = DepCache.manager();
    CountDownLatch release = new CountDownLatch(1);
    Thread caller = Thread.currentThread();
    var future =
        manager
            .async()
            .getOrCompute(
                "async:1",
                60,
                () -> {
                  assertThat(Thread.currentThread()).isNotSameAs(caller);
                  release.await(10, TimeUnit.SECONDS);
                  return "computed";
                });
    assertThat(future).isNotDone(); // the caller was not blocked by the loader
    release.countDown();
    assertThat(future.get(10, TimeUnit.SECONDS)).isEqualTo("computed");
    assertThat(manager.async().get("async:1").get(10, TimeUnit.SECONDS)).isEqualTo("computed");
    assertThat(manager.async().invalidateDependency("none").get(10, TimeUnit.SECONDS)).isZero();
  }

  @Test
  void asyncOperationsRunWithTheCallersContextClassLoader() throws Exception {
    CacheManager manager = DepCache.manager();
    Thread caller = Thread.currentThread();
    ClassLoader before = caller.getContextClassLoader();
    // as a web application's request thread has its own loader as the context
    ClassLoader application = new java.net.URLClassLoader(new java.net.URL[0], before);
    // Every core thread of the pool made first, under another loader (the pool makes one per task
    // until it has them all): the calls below run on threads that exist already, as in an
    // application that has run a while.
    int pool = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());
    List<java.util.concurrent.CompletableFuture<Long>> first = new ArrayList<>();
    for (int i = 0; i < pool; i++) {
      first.add(manager.async().ttl("async:loader:none"));
    }
    for (var task : first) {
      task.get(10, TimeUnit.SECONDS);
    }
    caller.setContextClassLoader(application);
    try {
      for (int i = 0; i < 2 * pool; i++) {
        String seen =
            manager
                .async()
                .getOrCompute(
                    "async:loader:" + i,
                    60,
                    () ->
                        Thread.currentThread().getContextClassLoader() == application
                            ? "the caller's"
                            : String.valueOf(Thread.currentThread().getContextClassLoader()))
                .get(10, TimeUnit.SECONDS);
        assertThat(seen).isEqualTo("the caller's");
      }
    } finally {
      caller.setContextClassLoader(before);
    }
    String later =
        manager
            .async()
            .getOrCompute(
                "async:loader:after",
                60,
                () -> String.valueOf(Thread.currentThread().getContextClassLoader() == application))
            .get(10, TimeUnit.SECONDS);
    assertThat(later).as("a thread keeps no caller's loader").isEqualTo("false");
    assertThat(Thread.getAllStackTraces().keySet())
        .filteredOn(t -> t.getName().startsWith("depcache-"))
        .allMatch(t -> t.getContextClassLoader() != application, "no depcache thread holds it");
  }
}
