package io.depcache.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.fixtures.Calls;
import com.example.fixtures.Shapes;
import com.example.fixtures.Team;
import com.example.fixtures.User;
import io.depcache.CacheEvent;
import io.depcache.CacheEventListener;
import io.depcache.CacheEventType;
import io.depcache.CacheLevel;
import io.depcache.CacheManager;
import io.depcache.DepCache;
import io.depcache.StatsCollector;
import io.depcache.agent.monitor.MethodStats;
import io.depcache.agent.near.NearCacheStore;
import io.depcache.testing.TestRedis;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

/**
 * Every caching behaviour with the near cache on, and a near hit inside another cached call handing
 * its dependencies to the enclosing entry, as a Redis hit does.
 */
class RedisNearCachingTest extends CachingBehaviourTest {
  private static final String METHOD_SIGNATURE = "com.example.fixtures.UserService#user(long)";

  @Override
  Map<String, String> settings() {
    return Map.of(
        "depcache.redis.url",
        TestRedis.url(),
        "depcache.prefix",
        AgentTestSupport.uniquePrefix(),
        "depcache.near-cache.enabled",
        "true",
        // the default manager shares decoded instances (the default), reports copies
        "depcache.manager.reports.near-cache.copy",
        "true");
  }

  private NearCacheStore near() throws InterruptedException {
    NearCacheStore near = (NearCacheStore) installation.managers().core("default").store;
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (!near.serving() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(near.serving()).as("near hits served").isTrue();
    return near;
  }

  @Test
  void anInnerNearHitHandsItsDependenciesToTheEnclosingCall() throws Exception {
    NearCacheStore near = near();
    users.user(7); // written, so kept near
    long before = near.nearHits();
    users.user(7);
    assertThat(near.nearHits()).isEqualTo(before + 1);
    assertThat(Calls.count("user")).isEqualTo(1);

    long beforeOuter = near.nearHits();
    dashboard.dashboard(5); // teamMembers hits user(7) near, inside its own computation
    assertThat(near.nearHits()).isGreaterThan(beforeOuter);
    assertThat(Calls.count("user")).isEqualTo(3); // user(5) and user(105) missed

    // the outer entries (teamMembers, dashboard) depend on user:7 through the near hit
    assertThat(DepCache.manager().invalidateDependency("user:7")).isEqualTo(3);
    dashboard.dashboard(5);
    assertThat(Calls.count("dashboard")).isEqualTo(2);
    assertThat(Calls.count("teamMembers")).isEqualTo(2);
  }

  @Test
  void aDashboardServedNearIsGoneOnceItsInvalidationReturns() throws Exception {
    NearCacheStore near = near();
    dashboard.dashboard(6);
    long before = near.nearHits();
    dashboard.dashboard(6);
    assertThat(near.nearHits()).isEqualTo(before + 1);
    assertThat(Calls.count("dashboard")).isEqualTo(1);

    DepCache.manager().invalidateDependency("user:6");
    dashboard.dashboard(6);
    assertThat(Calls.count("dashboard")).isEqualTo(2);
  }

  @Test
  void nearHitsShareTheInstanceDecodedAtTheFirstWithCopyOff() throws Exception {
    NearCacheStore near = near();
    User computed = users.user(8);
    long before = near.nearHits();
    User first = users.user(8);
    User second = users.user(8);
    assertThat(near.nearHits()).isEqualTo(before + 2);
    assertThat(first).isEqualTo(computed).isNotSameAs(computed);
    assertThat(second).isSameAs(first);
    assertThat(Calls.count("user")).isEqualTo(1);
  }

  @Test
  void nearHitsAreFreshCopiesWithCopyOn() throws Exception {
    NearCacheStore near = near();
    CacheManager reports = DepCache.manager("reports");
    Callable<User> loader = () -> new User(3, "report", new Team(1, "t"));
    User computed = reports.getOrCompute("copied", 60, loader);
    long before = near.nearHits();
    User first = reports.getOrCompute("copied", 60, loader);
    User second = reports.getOrCompute("copied", 60, loader);
    assertThat(near.nearHits()).isEqualTo(before + 2);
    assertThat(first).isEqualTo(computed).isEqualTo(second);
    assertThat(second).isNotSameAs(first);
    assertThat(second.team()).isNotSameAs(first.team());
  }

  @Test
  void anInvalidatedNearEntryTakesItsSharedInstanceWithIt() throws Exception {
    NearCacheStore near = near();
    users.user(9);
    User shared = users.user(9);
    assertThat(users.user(9)).isSameAs(shared);

    users.nameSuffix = "-renamed";
    DepCache.manager().invalidateDependency("user:9");
    User recomputed = users.user(9);
    long before = near.nearHits();
    User next = users.user(9);
    assertThat(near.nearHits()).isEqualTo(before + 1);
    assertThat(recomputed.name()).isEqualTo("user9-renamed");
    assertThat(next).isEqualTo(recomputed).isNotSameAs(shared);
    assertThat(Calls.count("user")).isEqualTo(2);
  }

  @Test
  void aNearHitWithCopyOffAllocatesNothing() throws Exception {
    NearCacheStore near = near();
    CacheManager manager = DepCache.manager();
    Callable<User> loader = () -> new User(4, "alloc", new Team(0, "t"));
    String key = "allocation:4";
    User computed = manager.getOrCompute(key, 60, loader);
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long id = Thread.currentThread().getId();
    long before = near.nearHits();
    int calls = 200_000;
    for (int i = 0; i < calls; i++) { // warm up, so that the measure is of compiled code
      manager.getOrCompute(key, 60, loader);
    }
    long allocated = threads.getThreadAllocatedBytes(id);
    User last = null;
    for (int i = 0; i < calls; i++) {
      last = manager.getOrCompute(key, 60, loader);
    }
    allocated = threads.getThreadAllocatedBytes(id) - allocated;
    // a lease that lapsed on a loaded machine sends a few to Redis, which allocate: rare enough
    assertThat(near.nearHits()).isGreaterThan(before + 2L * calls - calls / 100);
    assertThat(last).isEqualTo(computed);
    // below one byte per hit: an allocation of any object on the path would be 16 B or more
    assertThat((double) allocated / calls).as("bytes per near hit").isLessThan(1.0);
  }

  @Test
  void hitEventsStatsAndJmxSayWhichLevelServedEachHit() throws Exception {
    NearCacheStore near = near();
    CacheManager manager = DepCache.manager();
    List<CacheEvent> seen = new CopyOnWriteArrayList<>();
    CacheEventListener hits = seen::add;
    StatsCollector stats = new StatsCollector();
    ManagerCore core = installation.managers().core("default");
    long nearBefore = core.events.stats().nearHits();
    long hitsBefore = core.events.stats().count(CacheEventType.HIT);
    manager.events().on(CacheEventType.HIT, hits);
    manager.events().onAll(stats);
    long nearHitsBefore = near.nearHits();
    try {
      users.user(12); // miss, written, so kept near
      users.user(12); // near hit
      manager.get("com.example.fixtures.UserService#user(12)"); // a GET of the store
      users.user(12); // near hit
    } finally {
      manager.events().offAll(hits);
      manager.events().offAll(stats);
    }
    assertThat(near.nearHits()).isEqualTo(nearHitsBefore + 2);
    assertThat(seen)
        .extracting(CacheEvent::level)
        .containsExactly(CacheLevel.NEAR, CacheLevel.STORE, CacheLevel.NEAR);
    assertThat(seen.get(0).dependencies()).containsExactly("user:12");
    assertThat(stats.getStats().hits()).isEqualTo(3);
    assertThat(stats.getStats().nearHits()).isEqualTo(2);
    assertThat(stats.getStats().misses()).isEqualTo(1);
    assertThat(core.events.stats().nearHits() - nearBefore).isEqualTo(2);
    assertThat(core.events.stats().count(CacheEventType.HIT) - hitsBefore).isEqualTo(3);

    ObjectName mbean = new ObjectName("io.depcache:type=CacheManager,name=\"default\"");
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (!server.isRegistered(mbean)) {
      assertThat(System.nanoTime()).as("MBean registered").isLessThan(deadline);
      Thread.sleep(5);
    }
    assertThat((Long) server.getAttribute(mbean, "NearHits"))
        .isEqualTo(core.events.stats().nearHits());
    assertThat((Long) server.getAttribute(mbean, "NearHits"))
        .isLessThan((Long) server.getAttribute(mbean, "Hits"));
  }

  @Test
  void aMethodCountsItsNearHitsAmongItsHits() throws Exception {
    near();
    users.user(13); // miss, so that the method's counters exist
    MethodStats method = installation.managers().methodStats().get("default").get(METHOD_SIGNATURE);
    long hits = method.hits();
    long nearHits = method.nearHits();
    users.user(13);
    users.user(13);
    assertThat(method.hits() - hits).isEqualTo(2);
    assertThat(method.nearHits() - nearHits).isEqualTo(2);
  }

  @Test
  void aNearHitOfGetOrComputeIsCountedOnceInEveryTotal() throws Exception {
    NearCacheStore near = near();
    CacheManager manager = DepCache.manager();
    ManagerCore core = installation.managers().core("default");
    String key = "get-or-compute-near";
    manager.getOrCompute(key, 60, () -> "computed"); // miss, written, so kept near
    long store = near.nearHits();
    long nearHits = core.events.stats().nearHits();
    long hits = core.events.stats().count(CacheEventType.HIT);
    for (int i = 0; i < 3; i++) {
      assertThat(manager.<String>getOrCompute(key, 60, () -> "again")).isEqualTo("computed");
    }
    assertThat(near.nearHits() - store).isEqualTo(3);
    assertThat(core.events.stats().nearHits() - nearHits).isEqualTo(3);
    assertThat(core.events.stats().count(CacheEventType.HIT) - hits).isEqualTo(3);
  }

  /** One call of a {@link Shapes} method, with the first or the second set of arguments. */
  private static Object call(Shapes shapes, String method, boolean first) {
    int n = first ? 1 : 2;
    return switch (method) {
      case "none" -> shapes.none();
      case "ofLong" -> shapes.ofLong(first ? 10_000_000_001L : 10_000_000_002L);
      case "ofInt" -> shapes.ofInt(first ? 70_001 : 70_002);
      case "ofShort" -> shapes.ofShort((short) n);
      case "ofText" -> shapes.ofText(first ? "t1" : "t2");
      case "ofTwo" -> shapes.ofTwo("tt", n);
      case "ofThree" -> shapes.ofThree("ttt", n, first);
      default -> shapes.ofFour(1, 2, 3, n);
    };
  }

  private static final List<String> SHAPES =
      List.of("none", "ofLong", "ofInt", "ofShort", "ofText", "ofTwo", "ofThree", "ofFour");

  @Test
  void aMethodOfEachShapeOfArgumentsIsANearHitOfItsOwnKey() throws Exception {
    NearCacheStore near = near();
    Shapes shapes = new Shapes();
    for (String method : SHAPES) {
      Object first = call(shapes, method, true); // miss, written, so kept near
      long hits = near.nearHits();
      assertThat(call(shapes, method, true)).as(method).isEqualTo(first);
      assertThat(near.nearHits() - hits).as(method + " near hits").isEqualTo(1);
      assertThat(Calls.count("shapes." + method)).as(method).isEqualTo(1);
      if (!method.equals("none")) {
        Object second = call(shapes, method, false); // other arguments: another key
        assertThat(second).as(method).isNotEqualTo(first);
        assertThat(call(shapes, method, false)).as(method).isEqualTo(second);
        assertThat(call(shapes, method, true)).as(method).isEqualTo(first);
        assertThat(Calls.count("shapes." + method)).as(method).isEqualTo(2);
      }
    }
    // the keys are those of the arguments' array: a call of the old shape finds the same entry
    assertThat(DepCache.manager().<String>get("com.example.fixtures.Shapes#ofLong(10000000001)"))
        .isEqualTo("long 10000000001");
    assertThat(DepCache.manager().<String>get("com.example.fixtures.Shapes#ofInt(70001)"))
        .isEqualTo("int 70001");
    assertThat(DepCache.manager().<Integer>get("com.example.fixtures.Shapes#ofTwo(\"tt\",1)"))
        .isEqualTo(3);
  }

  @Test
  void aNearHitOfAMethodOfUpToThreeArgumentsAllocatesNothing() throws Exception {
    near();
    Shapes shapes = new Shapes();
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long id = Thread.currentThread().getId();
    int calls = 100_000;
    // the boxed short, int and boolean of these shapes are the JDK's cached instances
    for (String method : List.of("none", "ofLong", "ofInt", "ofShort", "ofText", "ofThree")) {
      call(shapes, method, true);
      for (int i = 0; i < calls; i++) { // warm up, so that the measure is of compiled code
        call(shapes, method, true);
      }
      long allocated = threads.getThreadAllocatedBytes(id);
      for (int i = 0; i < calls; i++) {
        call(shapes, method, true);
      }
      allocated = threads.getThreadAllocatedBytes(id) - allocated;
      assertThat(Calls.count("shapes." + method)).as(method).isEqualTo(1);
      // below one byte per hit: an array of the arguments would be 16 B or more
      assertThat((double) allocated / calls).as(method + ": bytes per near hit").isLessThan(1.0);
    }
  }
}
