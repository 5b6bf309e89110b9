package com.example.layout;

import io.depcache.CacheManager;
import io.depcache.DepCache;
import io.depcache.StatsCollector;

/**
 * The line protocol every layout answers, on standard input or over HTTP: one command, one answer.
 * Answers carry the run counts of the service's bodies, so that a test sees hits and misses.
 */
public final class Commands {
  private final Shop shop = new Shop();
  private StatsCollector stats;

  /**
   * Runs one command.
   *
   * @param line a command such as {@code user 1} or {@code invalidate user:1}
   * @return the answer, one line
   */
  public synchronized String run(String line) {
    String[] words = line.trim().split(" ", 3);
    try {
      return switch (words[0]) {
        case "active" -> String.valueOf(DepCache.isAgentActive());
        case "user" -> shop.user(Long.parseLong(words[1])).name() + " runs=" + shop.userRuns;
        case "team" ->
            shop.team(Long.parseLong(words[1])) + " runs=" + shop.teamRuns + "/" + shop.userRuns;
        case "items" -> {
          for (long id = 0; id < Long.parseLong(words[1]); id++) {
            shop.item(id);
          }
          yield "runs=" + shop.itemRuns;
        }
        case "rename" -> {
          shop.rename(Long.parseLong(words[1]), words[2]);
          yield "ok";
        }
        case "key" -> shop.keyOf(words[1]);
        case "slow" -> {
          try {
            yield shop.slow(Long.parseLong(words[1])).name();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            yield "interrupted";
          }
        }
        case "invalidate" -> String.valueOf(DepCache.manager().invalidateDependency(words[1]));
        case "set" -> {
          DepCache.manager().set(words[1], words[2]);
          yield "ok";
        }
        case "get" -> String.valueOf((Object) DepCache.manager().get(words[1]));
        case "manager" -> describe(DepCache.manager());
        case "listen" -> {
          if (stats == null) {
            stats = new StatsCollector();
            DepCache.manager().events().onAll(stats);
          }
          yield "ok";
        }
        case "stats" ->
            stats == null
                ? "not listening"
                : "hits=" + stats.getStats().hits() + " misses=" + stats.getStats().misses();
        case "nearhits" ->
            stats == null ? "not listening" : String.valueOf(stats.getStats().nearHits());
        case "reset" -> {
          shop.userRuns.set(0);
          shop.teamRuns.set(0);
          shop.itemRuns.set(0);
          yield "ok";
        }
        case "loader" -> String.valueOf(DepCache.class.getClassLoader());
        case "held" ->
            // depcache's threads that hold this application's loader, which would keep it from
            // being unloaded with the application
            String.valueOf(
                Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().startsWith("depcache-"))
                    .filter(t -> t.getContextClassLoader() == Commands.class.getClassLoader())
                    .map(Thread::getName)
                    .sorted()
                    .toList());
        default -> "unknown command " + words[0];
      };
    } catch (RuntimeException | LinkageError e) {
      return "error " + e;
    }
  }

  private static String describe(CacheManager manager) {
    String type = manager.getClass().getName();
    return manager.name()
        + (type.equals("io.depcache.DisabledCacheManager") ? " disabled" : " live");
  }
}
