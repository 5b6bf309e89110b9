package io.depcache.agent.runtime;

import io.depcache.CacheEventType;
import io.depcache.agent.config.ManagerConfig;
import io.depcache.agent.monitor.ManagerStats;
import io.depcache.agent.monitor.MethodStats;
import io.depcache.agent.store.AgentThreads;
import io.depcache.agent.store.KeyLayout;
import io.depcache.agent.store.StoreAdmin;
import io.depcache.agent.store.StoreException;
import io.depcache.agent.store.StoreFactory;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Publishes this JVM's counters to every Redis its managers use, every {@value #PERIOD_MILLIS} ms
 * with a ttl of {@value #TTL_MILLIS} ms, for {@code java -jar depcache-agent.jar stats}: a JVM that
 * stops publishing ages out; one that closes removes its own. On its own daemon thread, started
 * with the first Redis manager; a failure waits for the next round, unlogged (the call path logs
 * the store's troubles) unless the server refuses the commands, which is logged once.
 */
final class StatsPublisher implements AutoCloseable {
  static final long PERIOD_MILLIS = 10_000;
  static final long TTL_MILLIS = 35_000;
  private static final long FIRST_MILLIS = 1_000;

  /** How long closing waits for a round under way: a call per Redis, each within its timeout. */
  private static final long CLOSE_WAIT_MILLIS = 1_000;

  private final Managers managers;
  private final AtomicBoolean started = new AtomicBoolean();
  private final Map<String, StoreAdmin> admins = new ConcurrentHashMap<>();
  private final Map<String, String> prefixes = new ConcurrentHashMap<>();
  private final Set<String> refusals = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;
  private final long pid = ProcessHandle.current().pid();
  private volatile long startedAt;
  private volatile ScheduledExecutorService scheduler;
  private volatile String host;

  StatsPublisher(Managers managers) {
    this.managers = managers;
  }

  /** A manager was created: publishing starts with the first one on Redis. */
  void started(ManagerCore manager) {
    if (manager.config.inMemory() || !started.compareAndSet(false, true)) {
      return;
    }
    ScheduledExecutorService s =
        Executors.newSingleThreadScheduledExecutor(
            task -> AgentThreads.daemon(task, "depcache-stats"));
    scheduler = s;
    s.scheduleAtFixedRate(this::publishAll, FIRST_MILLIS, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
  }

  private String jvm() {
    return host() + "/" + pid + "/" + startedAt();
  }

  /** The JVM's start, read on the publishing thread: JMX starts slowly. */
  private long startedAt() {
    if (startedAt == 0) {
      startedAt = ManagementFactory.getRuntimeMXBean().getStartTime();
    }
    return startedAt;
  }

  private String host() {
    String h = host;
    if (h == null) {
      try {
        h = InetAddress.getLocalHost().getHostName();
      } catch (java.io.IOException | RuntimeException e) {
        h = "unknown-host";
      }
      host = h;
    }
    return h;
  }

  /** One round: per Redis and prefix, the counters of the managers on it. */
  void publishAll() {
    try {
      Map<String, Map<String, ManagerCore>> groups = new HashMap<>();
      Map<String, ManagerConfig> settingsOf = new HashMap<>();
      for (ManagerCore core : managers.created().values()) {
        if (core.config.inMemory()) {
          continue;
        }
        String group = StoreFactory.identity(core.config) + " " + core.config.prefix();
        groups.computeIfAbsent(group, g -> new TreeMap<>()).put(core.name(), core);
        settingsOf.putIfAbsent(group, core.config);
      }
      long now = System.currentTimeMillis();
      groups.forEach(
          (group, cores) -> {
            ManagerConfig settings = settingsOf.get(group);
            if (closed) {
              return; // an admin opened now would never be closed
            }
            try {
              StoreAdmin admin = admins.computeIfAbsent(group, g -> StoreAdmin.open(settings));
              prefixes.putIfAbsent(group, settings.prefix());
              admin.publish(
                  KeyLayout.statsKey(settings.prefix(), jvm()),
                  FleetStats.fields(snapshot(cores, now)),
                  TTL_MILLIS);
            } catch (StoreException e) {
              refused(group, e);
              // the next round tries again
            }
          });
    } catch (RuntimeException e) {
      // never let the schedule die of one round
    }
  }

  /**
   * One WARN line per Redis and prefix for a refusal that does not heal by itself (a command the
   * ACL user may not run): without it the JVM would be missing from {@code stats} with no word of
   * why. An outage is the call path's to log.
   */
  private void refused(String group, StoreException e) {
    String why = String.valueOf(e.getMessage());
    if (StoreException.refusal(why) && refusals.add(group)) {
      OnceLog.LOG.warn(
          "depcache: this JVM's counters are not published for `stats`, which will not list it,"
              + " until the server takes the commands (see the README's ACL lines): {}",
          why);
    }
  }

  private FleetStats.Jvm snapshot(Map<String, ManagerCore> cores, long now) {
    Map<String, FleetStats.Counters> counters = new TreeMap<>();
    Map<String, Map<String, FleetStats.MethodCounters>> methods = new TreeMap<>();
    cores.forEach(
        (name, core) -> {
          ManagerStats s = core.events.stats();
          counters.put(
              name,
              new FleetStats.Counters(
                  s.count(CacheEventType.HIT),
                  s.count(CacheEventType.MISS),
                  s.count(CacheEventType.SET),
                  s.count(CacheEventType.DELETE),
                  s.count(CacheEventType.INVALIDATE),
                  s.count(CacheEventType.CLEAR),
                  s.count(CacheEventType.ERROR),
                  s.entriesRemoved()));
          Map<String, MethodStats> ofManager = managers.methodStats().get(name);
          if (ofManager != null) {
            Map<String, FleetStats.MethodCounters> m = new TreeMap<>();
            ofManager.forEach(
                (signature, ms) ->
                    m.put(
                        signature,
                        new FleetStats.MethodCounters(
                            ms.hits(),
                            ms.misses(),
                            ms.errors(),
                            ms.computedMisses(),
                            ms.totalMissMillis(),
                            ms.averageHitMicros() * ms.hits())));
            methods.put(name, m);
          }
        });
    return new FleetStats.Jvm(host(), pid, startedAt(), now, counters, methods);
  }

  @Override
  public void close() {
    closed = true;
    ScheduledExecutorService s = scheduler;
    if (s != null) {
      s.shutdown();
      try {
        // a round under way would write this JVM's key again after it was removed below
        s.awaitTermination(CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      s.shutdownNow();
    }
    admins.forEach(
        (group, admin) -> {
          try {
            admin.unpublish(KeyLayout.statsKey(prefixes.get(group), jvm()));
          } catch (RuntimeException e) {
            // it ages out
          }
          admin.close();
        });
    admins.clear();
  }
}
