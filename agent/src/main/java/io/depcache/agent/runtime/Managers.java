package io.depcache.agent.runtime;

import io.depcache.agent.config.AgentConfig;
import io.depcache.agent.config.ManagerConfig;
import io.depcache.agent.monitor.Jmx;
import io.depcache.agent.monitor.ManagerControl;
import io.depcache.agent.monitor.MethodStats;
import io.depcache.agent.near.NearCacheStore;
import io.depcache.agent.serial.AllowList;
import io.depcache.agent.serial.EntryCodec;
import io.depcache.agent.serial.EntryDependencies;
import io.depcache.agent.serial.Serializer;
import io.depcache.agent.serial.Serializers;
import io.depcache.agent.store.AgentThreads;
import io.depcache.agent.store.CacheStore;
import io.depcache.agent.store.KeyLayout;
import io.depcache.agent.store.StoreFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The managers of the JVM, created on first use by name, and the stores they share: managers on the
 * same Redis URL share one connection pool, so cross-manager dependencies can be written in one
 * atomic script.
 */
public final class Managers implements AutoCloseable {
  private final AgentConfig config;
  private final AllowList allowList;
  private final Map<String, ManagerCore> byName = new ConcurrentHashMap<>();
  private final Map<String, CacheStore> stores = new ConcurrentHashMap<>();
  private final ExecutorService async;
  private final Repeater repeater;

  /** An operator's command: stores without retries, and every store failure throws. */
  private final boolean commandLine;

  private final Jmx jmx;
  private final StatsPublisher publisher;
  private final Map<String, Map<String, MethodStats>> methods = new ConcurrentHashMap<>();

  /**
   * Prepares the managers of a configuration; nothing connects until a manager is first used.
   *
   * @param config the agent's configuration
   * @param allowList the deserialization allowlist, extended here by {@code
   *     depcache.serializer.allow} of every manager
   */
  public Managers(AgentConfig config, AllowList allowList) {
    this(config, allowList, false);
  }

  /**
   * Prepares the managers of a configuration for the agent or for the command line.
   *
   * @param commandLine {@code true} for an operator's command: every store failure throws, nothing
   *     is retried behind it, and nothing is registered or published
   */
  public Managers(AgentConfig config, AllowList allowList, boolean commandLine) {
    this.config = config;
    this.commandLine = commandLine;
    this.jmx = commandLine ? null : new Jmx();
    this.publisher = commandLine ? null : new StatsPublisher(this);
    allowPatterns(allowList, config.defaultManager());
    for (String name : config.configuredManagerNames()) {
      allowPatterns(allowList, config.manager(name));
    }
    this.allowList = allowList;
    AtomicInteger threads = new AtomicInteger();
    int size = Math.max(4, Runtime.getRuntime().availableProcessors() * 2);
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            size,
            size,
            30,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            task -> AgentThreads.daemon(task, "depcache-async-" + threads.incrementAndGet()));
    pool.allowCoreThreadTimeOut(true);
    this.async = pool;
    // A command waits for the repeat before it exits: nothing of it goes on in the background.
    this.repeater = new Repeater(config.invalidateRepeatAfterMs(), commandLine);
  }

  long singleFlightWaitMillis() {
    return config.singleFlightWaitMs();
  }

  /** How long a miss waits for another JVM's leased computation; 0 when leases are off. */
  long leaseWaitMillis() {
    return config.leaseEnabled() ? Math.max(1, config.leaseWaitMs()) : 0;
  }

  private static void allowPatterns(AllowList allowList, ManagerConfig manager) {
    for (String pattern : manager.serializerAllow()) {
      allowList.allow(pattern);
    }
  }

  /** The threads of {@code CacheManager.async()}. */
  Executor asyncExecutor() {
    return async;
  }

  /**
   * Returns the manager of that name, creating it on first use.
   *
   * @param name the name; {@code null} or empty for the default manager
   * @return the manager
   * @throws IllegalArgumentException when the name is not one segment of letters, digits, '_', '.'
   *     or '-'
   */
  ManagerCore core(String name) {
    String key = name == null || name.isEmpty() ? "default" : name;
    ManagerCore manager = byName.get(key);
    return manager != null ? manager : byName.computeIfAbsent(validName(key), this::create);
  }

  private static String validName(String name) {
    // The name is part of every Redis key of the manager: keep it to one unambiguous segment.
    if (!name.matches("[A-Za-z0-9_.-]+")) {
      throw new IllegalArgumentException(
          "manager name '" + name + "' must be letters, digits, '_', '.' or '-'");
    }
    return name;
  }

  private ManagerCore create(String name) {
    ManagerConfig settings = config.manager(name);
    CacheStore store =
        stores.computeIfAbsent(StoreFactory.identity(settings), id -> open(settings));
    // One serializer per manager, from its settings; the allowlist is the JVM's.
    Serializer serializer = Serializers.named(settings.serializer(), allowList);
    ManagerCore core =
        new ManagerCore(
            settings, store, serializer, repeater, commandLine || settings.failOnError());
    if (store instanceof NearCacheStore near) {
      // the near hits of its nearLookup, which the runtime counts (once, per method)
      near.countNearLookupsWith(core.events.stats()::nearHitsOfNearLookups);
    }
    if (jmx != null) {
      jmx.registerManager(name, new Control(core), core.events.stats());
      publisher.started(core);
    }
    return core;
  }

  /**
   * Opens the store that managers of these settings share; with a near cache in front when they ask
   * for one (Unsupported has checked that every manager sharing it agrees).
   */
  private CacheStore open(ManagerConfig settings) {
    CacheStore store = StoreFactory.open(settings, !commandLine);
    if (!settings.nearCache()) {
      return store;
    }
    String prefix = settings.prefix();
    return new NearCacheStore(
        store, settings, (entryKey, stored) -> dependencyKeys(prefix, entryKey, stored));
  }

  /**
   * The dependency store keys of a stored entry, for a near fill from a lookup hit: the manager is
   * read from the entry key ({@code prefix:manager:e:...}), its signer opens the bytes.
   */
  private List<String> dependencyKeys(String prefix, String entryKey, byte[] stored) {
    try {
      int start = prefix.length() + 1;
      int end = entryKey.indexOf(':', start);
      ManagerCore owner = end < 0 ? null : byName.get(entryKey.substring(start, end));
      if (owner == null) {
        return null;
      }
      EntryDependencies deps = EntryCodec.decodeDependencies(owner.signing.open(entryKey, stored));
      List<String> keys = new ArrayList<>(deps.size());
      for (int i = 0; i < deps.size(); i++) {
        keys.add(
            KeyLayout.dependencyKey(KeyLayout.namespace(prefix, deps.manager(i)), deps.name(i)));
      }
      return keys;
    } catch (RuntimeException e) {
      // unreadable: the runtime finds out when it decodes the hit; it is not kept near
      return null;
    }
  }

  /**
   * Registers a cached method's counters at its first call: its MBean, and what {@code stats}
   * shows.
   */
  void monitor(ManagerCore manager, MethodInfo method) {
    // before its first near hit is counted: the manager's near hits sum the method's
    manager.events.stats().attach(method.stats);
    methods
        .computeIfAbsent(manager.name(), m -> new ConcurrentHashMap<>())
        .putIfAbsent(method.patternSignature, method.stats);
    if (jmx != null) {
      jmx.registerMethod(manager.name(), method.patternSignature, method.stats);
    }
  }

  /** The managers created so far, by name. */
  Map<String, ManagerCore> created() {
    return byName;
  }

  /** Per manager, the counters of its cached methods called so far, by signature. */
  Map<String, Map<String, MethodStats>> methodStats() {
    return methods;
  }

  /** The configuration the managers were made from. */
  AgentConfig config() {
    return config;
  }

  /** Whether every MBean asked for is registered; for tests. */
  public boolean monitoringIdle() {
    return jmx == null || jmx.idle();
  }

  /** What the MBean of a manager does to it. */
  private static final class Control implements ManagerControl {
    private final ManagerCore core;

    Control(ManagerCore core) {
      this.core = core;
    }

    @Override
    public boolean enabled() {
      return core.enabled;
    }

    @Override
    public void enabled(boolean enabled) {
      core.enabled = enabled;
    }

    @Override
    public boolean storeAvailable() {
      return core.store.available();
    }

    @Override
    public long pendingInvalidations() {
      return core.store.pendingInvalidations();
    }

    @Override
    public long invalidateDependency(String dependency) {
      if (dependency == null || dependency.isEmpty()) {
        throw new IllegalArgumentException("dependency must be a non-empty string");
      }
      return core.invalidate(java.util.Set.of(dependency));
    }

    @Override
    public long delete(String key) {
      if (key == null || key.isEmpty()) {
        throw new IllegalArgumentException("key must be a non-empty string");
      }
      return core.delete(java.util.List.of(key), key);
    }

    @Override
    public long clear() {
      return core.clear();
    }
  }

  @Override
  public void close() {
    if (publisher != null) {
      publisher.close();
    }
    if (jmx != null) {
      jmx.close();
    }
    repeater.close();
    async.shutdownNow();
    stores.values().forEach(CacheStore::close);
  }
}
