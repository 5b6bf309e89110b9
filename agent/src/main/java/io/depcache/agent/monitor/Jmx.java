package io.depcache.agent.monitor;

import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import javax.management.JMException;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanOperationInfo;
import javax.management.MBeanServer;
import javax.management.NotCompliantMBeanException;
import javax.management.ObjectName;
import javax.management.StandardMBean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MBeans of the agent on the platform MBean server: one per manager ({@code
 * io.depcache:type=CacheManager,name=<name>}) and one per cached method ({@code
 * io.depcache:type=CachedMethod,manager=<name>,method=<quoted signature>}), each registered when it
 * is first used and all unregistered by {@link #close()}.
 *
 * <p>Registering runs on a thread of its own, from a second after the first use on: the first use
 * of the platform MBean server takes tens of milliseconds, which no cached call should wait for.
 */
public final class Jmx implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger("depcache");
  static final String DOMAIN = "io.depcache";

  private static final Map<String, String> DESCRIPTIONS =
      Map.ofEntries(
          Map.entry("Hits", "Lookups answered from the cache since start or the last reset"),
          Map.entry(
              "NearHits",
              "Hits among Hits that this JVM's near cache served, without a round trip"),
          Map.entry("Misses", "Lookups that found no entry (the body ran, or a caller waited)"),
          Map.entry("Sets", "Entries written"),
          Map.entry("Deletes", "Delete operations (not the entries they removed)"),
          Map.entry("Invalidations", "Invalidation operations (not the entries they removed)"),
          Map.entry("Clears", "Clear operations"),
          Map.entry("Errors", "Store failures and entries that could not be read"),
          Map.entry("EntriesRemoved", "Entries removed by deletes and invalidations"),
          Map.entry("HitRatio", "Hits / (Hits + Misses); 0 before the first lookup"),
          Map.entry(
              "Enabled",
              "Whether cached methods use the cache; false: they run their body, uncached"),
          Map.entry("StoreAvailable", "False while the store's circuit breaker is open"),
          Map.entry(
              "PendingInvalidations",
              "Invalidations, deletes and clears made during an outage, not yet applied"),
          Map.entry("AverageMissMillis", "Mean time of a computed miss, lookup to result, in ms"),
          Map.entry(
              "AverageHitMicros",
              "Mean time of a hit's lookup, in microseconds (near hits, not timed, count as 0)"),
          Map.entry("ComputedMisses", "Misses whose body ran to a result (timed)"),
          Map.entry("TotalMissMillis", "Total time of the computed misses, in ms"),
          Map.entry(
              "invalidateDependency",
              "Invalidates a dependency on every JVM of the store; returns the entries removed"),
          Map.entry("delete", "Deletes one entry by its key; returns 1 if it existed"),
          Map.entry("clear", "Removes every entry of this manager; returns how many"),
          Map.entry("resetStats", "Sets this manager's counters back to zero"));

  /**
   * How long after the first use the first MBean is registered: loading JMX takes CPU that the
   * application's first cached calls (which open the store's connections) need more.
   */
  private static final long FIRST_DELAY_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final Set<ObjectName> registered = ConcurrentHashMap.newKeySet();
  private volatile long firstUse;
  private final ExecutorService registrar;
  private volatile boolean closed;

  public Jmx() {
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            0,
            1,
            10,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            task -> {
              Thread thread = new Thread(null, task, "depcache-jmx", 0, false);
              thread.setDaemon(true);
              thread.setContextClassLoader(ClassLoader.getSystemClassLoader());
              return thread;
            });
    this.registrar = pool;
  }

  /** The name of a manager's MBean. */
  public static ObjectName managerName(String manager) {
    return name("type=CacheManager,name=" + ObjectName.quote(manager));
  }

  /**
   * The name of a cached method's MBean.
   *
   * @param signature {@code com.example.UserService#profile(java.lang.String)}
   */
  public static ObjectName methodName(String manager, String signature) {
    return name(
        "type=CachedMethod,manager="
            + ObjectName.quote(manager)
            + ",method="
            + ObjectName.quote(signature));
  }

  private static ObjectName name(String properties) {
    try {
      return new ObjectName(DOMAIN + ":" + properties);
    } catch (JMException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /** Registers the MBean of a manager, soon, on the registering thread. */
  public void registerManager(String manager, ManagerControl control, ManagerStats stats) {
    register(managerName(manager), new ManagerMonitor(control, stats), CacheManagerMBean.class);
  }

  /** Registers the MBean of a cached method once, at its first call. */
  public void registerMethod(String manager, String signature, MethodStats stats) {
    synchronized (stats) {
      if (stats.registered()) {
        return;
      }
      stats.markRegistered();
    }
    register(methodName(manager, signature), new MethodMonitor(stats), CachedMethodMBean.class);
  }

  private <T> void register(ObjectName name, T bean, Class<T> type) {
    if (closed) {
      return;
    }
    if (firstUse == 0) {
      firstUse = System.nanoTime();
    }
    try {
      registrar.execute(() -> registerNow(name, bean, type));
    } catch (RejectedExecutionException e) {
      // closing: nothing to register any more
    }
  }

  private synchronized <T> void registerNow(ObjectName name, T bean, Class<T> type) {
    long wait = firstUse + FIRST_DELAY_NANOS - System.nanoTime();
    if (wait > 0) {
      try {
        TimeUnit.NANOSECONDS.sleep(wait);
      } catch (InterruptedException e) {
        return; // closing
      }
    }
    if (closed) {
      return;
    }
    try {
      MBeanServer server = ManagementFactory.getPlatformMBeanServer();
      if (server.isRegistered(name)) {
        // Left by an agent installation of this JVM that was not closed (a test's): ours now.
        server.unregisterMBean(name);
      }
      server.registerMBean(new Described<>(bean, type), name);
      registered.add(name);
    } catch (JMException | RuntimeException e) {
      LOG.warn("depcache: cannot register the MBean {}: {}", name, e.toString());
    }
  }

  /** Whether every registration asked for so far is done; for tests. */
  public boolean idle() {
    return ((ThreadPoolExecutor) registrar).getActiveCount() == 0
        && ((ThreadPoolExecutor) registrar).getQueue().isEmpty();
  }

  /** Unregisters every MBean this agent registered. */
  @Override
  public void close() {
    closed = true;
    registrar.shutdownNow();
    try {
      registrar.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (this) {
      if (registered.isEmpty()) {
        return;
      }
      MBeanServer server = ManagementFactory.getPlatformMBeanServer();
      for (ObjectName name : registered) {
        try {
          server.unregisterMBean(name);
        } catch (JMException e) {
          // already gone
        }
      }
      registered.clear();
    }
  }

  /** A standard MBean whose attributes and operations say what they mean, for jconsole. */
  private static final class Described<T> extends StandardMBean {
    Described(T bean, Class<T> type) throws NotCompliantMBeanException {
      super(bean, type);
    }

    @Override
    protected String getDescription(MBeanAttributeInfo info) {
      return DESCRIPTIONS.getOrDefault(info.getName(), info.getName());
    }

    @Override
    protected String getDescription(MBeanOperationInfo info) {
      return DESCRIPTIONS.getOrDefault(info.getName(), info.getName());
    }

    @Override
    protected String getParameterName(
        MBeanOperationInfo op, javax.management.MBeanParameterInfo param, int sequence) {
      return switch (op.getName()) {
        case "invalidateDependency" -> "dependency";
        case "delete" -> "key";
        default -> super.getParameterName(op, param, sequence);
      };
    }
  }
}
