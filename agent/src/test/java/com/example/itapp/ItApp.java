package com.example.itapp;

import com.example.fixtures.Calls;
import com.example.fixtures.Dashboard;
import com.example.fixtures.UserService;
import io.depcache.DepCache;
import io.depcache.testing.LineApp;
import java.io.File;
import java.net.URI;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;

/**
 * The application of the end-to-end tests: reads one command per line on stdin and answers each
 * with one line starting with {@code "= "} on stdout.
 */
public final class ItApp {
  private static final com.example.legacy.UserDao LEGACY = new com.example.legacy.UserDao();
  private static final com.example.fixtures.Baskets BASKETS = new com.example.fixtures.Baskets();

  /** Registered on the first {@code near-hits}: counts the events from then on. */
  private static io.depcache.StatsCollector stats;

  private ItApp() {}

  public static void main(String[] args) throws Exception {
    UserService users = new UserService();
    Dashboard dashboard = new Dashboard(users);
    LineApp.serve(words -> run(words, users, dashboard), "error");
  }

  private static String run(String[] words, UserService users, Dashboard dashboard)
      throws Exception {
    switch (words[0]) {
      case "user":
        return users.user(Long.parseLong(words[1])).name() + " computed=" + Calls.count("user");
      case "dashboard":
        return dashboard.dashboard(Long.parseLong(words[1]))
            + " computed="
            + Calls.count("dashboard");
      case "invalidate":
        return String.valueOf(DepCache.manager().invalidateDependency(words[1]));
      case "active":
        return String.valueOf(DepCache.isAgentActive());
      case "near-hits":
        // the hits the near cache served since the first near-hits
        if (stats == null) {
          stats = new io.depcache.StatsCollector();
          DepCache.manager().events().onAll(stats);
        }
        return String.valueOf(stats.getStats().nearHits());
      case "basket":
        return BASKETS.basket(words[1]) + " computed=" + Calls.count("basket");
      case "line":
        return BASKETS.cachedLine(Integer.parseInt(words[1]))
            + " computed="
            + Calls.count("cachedLine");
      case "rename":
        users.nameSuffix = words.length > 1 ? words[1] : "";
        return "ok";
      case "own-libraries":
        return ownLibraries(words[1]);
      case "child-first":
        return childFirst(words);
      case "stampede":
        return stampede(users, Long.parseLong(words[1]), Integer.parseInt(words[2]), words[3]);
      case "legacy-find":
        return LEGACY.findUser(Long.parseLong(words[1]))
            + " computed="
            + com.example.legacy.Counter.count("findUser");
      case "legacy-rename":
        LEGACY.rename(Long.parseLong(words[1]), words.length > 2 ? words[2] : "");
        return "ok";
      case "legacy-create":
        return String.valueOf(LEGACY.create(words[1]).getId());
      case "legacy-audit":
        return LEGACY.audit(Long.parseLong(words[1]))
            + " computed="
            + com.example.legacy.Counter.count("audit");
      case "fanout-executors":
        return ExecutorWork.executors(words[1]);
      case "fanout-virtual":
        return ExecutorWork.virtualThreads(words[1]);
      case "java-feature":
        return String.valueOf(Runtime.version().feature());
      case "default-executor":
        return ExecutorWork.defaultExecutor();
      case "match-stats":
        // The agent jar is on the system class path; its matching counters are read reflectively.
        return String.valueOf(
            ClassLoader.getSystemClassLoader()
                .loadClass("io.depcache.agent.instrument.AgentInstaller")
                .getMethod("matchStats")
                .invoke(null));
      default:
        return "unknown command " + words[0];
    }
  }

  /** At a wall-clock instant, many threads miss on one key at once. */
  private static String stampede(UserService users, long startAt, int threads, String id)
      throws Exception {
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(threads);
    java.util.concurrent.CountDownLatch ready = new java.util.concurrent.CountDownLatch(threads);
    List<java.util.concurrent.Future<String>> calls = new ArrayList<>();
    int before = Calls.count("slow");
    for (int i = 0; i < threads; i++) {
      calls.add(
          pool.submit(
              () -> {
                ready.countDown();
                ready.await();
                long wait = startAt - System.currentTimeMillis();
                if (wait > 0) {
                  Thread.sleep(wait);
                }
                return users.slow(Long.parseLong(id));
              }));
    }
    for (java.util.concurrent.Future<String> call : calls) {
      call.get();
    }
    pool.shutdown();
    return "computed=" + (Calls.count("slow") - before);
  }

  /** Uses the application's own Jedis and SLF4J, other versions than the agent's. */
  private static String ownLibraries(String redisUrl) {
    URI uri = URI.create(redisUrl);
    try (redis.clients.jedis.Jedis jedis =
        new redis.clients.jedis.Jedis(uri.getHost(), uri.getPort())) {
      jedis.set("itapp:own-jedis", "works");
      String value = jedis.get("itapp:own-jedis");
      org.slf4j.LoggerFactory.getLogger("itapp").info("the application's own SLF4J logs this");
      return "jedis="
          + value
          + " jedisJar="
          + jarName(redis.clients.jedis.Jedis.class)
          + " slf4jJar="
          + jarName(org.slf4j.LoggerFactory.class);
    }
  }

  private static String jarName(Class<?> type) {
    return new File(type.getProtectionDomain().getCodeSource().getLocation().getPath()).getName();
  }

  /** Runs {@link ChildApp} in a child-first loader that bundles its own copy of the API. */
  private static String childFirst(String[] words) throws Exception {
    List<URL> urls = new ArrayList<>();
    for (int i = 1; i < words.length; i++) {
      urls.add(new File(words[i]).toURI().toURL());
    }
    ChildFirstLoader loader =
        new ChildFirstLoader(urls.toArray(URL[]::new), ItApp.class.getClassLoader());
    Class<?> app = loader.loadClass("com.example.itapp.ChildApp");
    Object result = app.getMethod("run").invoke(null);
    return result
        + " apiLoader="
        + (loader.loadClass("io.depcache.DepCache").getClassLoader() == loader
            ? "child"
            : "parent");
  }
}
