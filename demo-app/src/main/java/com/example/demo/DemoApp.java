package com.example.demo;

import com.example.demo.legacy.TeamDirectory;
import io.depcache.DepCache;
import io.depcache.StatsCollector;
import java.io.IOException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The demo service: users, their posts, their profiles (computed asynchronously) and a team
 * dashboard over a slow in-memory repository, with depcache caching the reads.
 *
 * <p>Arguments: {@code --port=N} (default 8080; 0 picks a free port) and {@code --clear-cache},
 * which removes the entries an earlier run left in Redis under the configured prefix: the
 * repository starts afresh on every run, so those entries would be stale. {@code scripts/demo.sh}
 * starts it with the agent; without the agent it runs too, uncached.
 */
public final class DemoApp {
  private DemoApp() {}

  public static void main(String[] args) throws IOException {
    int port = 8080;
    boolean clearCache = false;
    for (String arg : args) {
      if (arg.startsWith("--port=")) {
        port = Integer.parseInt(arg.substring("--port=".length()));
      } else if (arg.equals("--clear-cache")) {
        clearCache = true;
      } else {
        System.err.println("usage: DemoApp [--port=N] [--clear-cache]");
        System.exit(2);
      }
    }
    if (clearCache) {
      long removed = DepCache.manager().clear();
      System.out.println("depcache demo: cleared " + removed + " entries of an earlier run");
    }

    StatsCollector stats = new StatsCollector();
    RequestTrace trace = new RequestTrace();
    DepCache.manager().events().onAll(stats);
    DepCache.manager().events().onAll(trace);

    SlowRepository repository = SlowRepository.withSampleData();
    UserService users = new UserService(repository);
    ProfileService profiles =
        new ProfileService(repository, SlowRepository.countingForSubmitter(fetchers()));
    TeamDirectory directory = new TeamDirectory(repository);
    TeamService teams = new TeamService(directory, users);
    DemoServer server = new DemoServer(users, profiles, teams, directory, stats, trace, port);
    server.start();
    Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "demo-server-stop"));
    System.out.println(
        "depcache demo listening on http://127.0.0.1:"
            + server.port()
            + " (agent active: "
            + DepCache.isAgentActive()
            + ")");
  }

  /** The threads that run the profiles' queries; daemons, so they never keep the JVM alive. */
  private static ExecutorService fetchers() {
    AtomicInteger count = new AtomicInteger();
    return Executors.newFixedThreadPool(
        4,
        task -> {
          Thread thread = new Thread(task, "demo-fetch-" + count.incrementAndGet());
          thread.setDaemon(true);
          return thread;
        });
  }
}
