package io.depcache.agent.runtime;

import io.depcache.AsyncCacheManager;
import io.depcache.CacheEventType;
import io.depcache.CacheEvents;
import io.depcache.CacheManager;
import io.depcache.DepCacheException;
import io.depcache.agent.config.ManagerConfig;
import io.depcache.agent.monitor.EventDispatcher;
import io.depcache.agent.serial.CorruptEntryException;
import io.depcache.agent.serial.Dependency;
import io.depcache.agent.serial.EntryCodec;
import io.depcache.agent.serial.NotSerializableValueException;
import io.depcache.agent.serial.Serializer;
import io.depcache.agent.serial.StoredEntry;
import io.depcache.agent.store.CacheStore;
import io.depcache.agent.store.KeyLayout;
import io.depcache.agent.store.StoreException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One named manager: its store, serializer and listeners, and the manual operations of {@link
 * CacheManager}. Cached calls reach the same store through {@link CallPath}.
 */
final class ManagerRuntime implements CacheManager {
  final ManagerConfig config;
  final CacheStore store;
  final Serializer serializer;
  final String namespace;
  final EventDispatcher events;
  private final CallPath callPath;
  private final Function<Dependency, String> dependencyKeys;
  private final AsyncManager async;
  private final Repeater repeater;
  private final OnceLog once = new OnceLog();

  ManagerRuntime(
      ManagerConfig config,
      CacheStore store,
      Serializer serializer,
      CallPath callPath,
      Function<Dependency, String> dependencyKeys,
      Executor executor,
      Repeater repeater) {
    this.config = config;
    this.store = store;
    this.serializer = serializer;
    this.namespace = KeyLayout.namespace(config.prefix(), config.name());
    this.events = new EventDispatcher(config.name());
    this.callPath = callPath;
    this.dependencyKeys = dependencyKeys;
    this.async = new AsyncManager(this, executor);
    this.repeater = repeater;
  }

  String entryKey(String key) {
    return KeyLayout.entryKey(namespace, key);
  }

  String dependencyKey(String dependency) {
    return KeyLayout.dependencyKey(namespace, dependency);
  }

  /** Milliseconds to live for a ttl in seconds, {@code -1} meaning this manager's default. */
  long ttlMillis(long ttlSeconds) {
    long seconds = ttlSeconds < 0 ? config.ttlSeconds() : ttlSeconds;
    return seconds * 1000;
  }

  @Override
  public String name() {
    return config.name();
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T> T get(String key) {
    requireKey(key);
    byte[] raw = guard("get", key, () -> store.get(entryKey(key)), null);
    if (raw == null) {
      events.fire(CacheEventType.MISS, key, null, null, -1, 0);
      return null;
    }
    try {
      StoredEntry entry = EntryCodec.decode(raw, serializer, contextLoader());
      events.fire(CacheEventType.HIT, key, null, names(entry.dependencies()), -1, 1);
      return switch (entry.kind()) {
        case VALUE -> (T) entry.value();
        case OPTIONAL -> (T) Optional.of(entry.value());
        case OPTIONAL_EMPTY -> (T) Optional.empty();
        default -> null;
      };
    } catch (CorruptEntryException e) {
      discardCorrupt(key, null, e);
      return null;
    }
  }

  @Override
  public boolean exists(String key) {
    requireKey(key);
    return guard("exists", key, () -> store.exists(entryKey(key)), false);
  }

  @Override
  public void set(String key, Object value) {
    set(key, value, -1, List.of());
  }

  @Override
  public void set(String key, Object value, long ttlSeconds, Collection<String> dependencies) {
    requireKey(key);
    requireTtl(ttlSeconds);
    Set<Dependency> deps = new LinkedHashSet<>();
    if (dependencies != null) {
      for (String dependency : dependencies) {
        deps.add(new Dependency(name(), requireDependency(dependency)));
      }
    }
    StoredEntry entry = EntryIo.entryOf(value, List.copyOf(deps), new long[0]);
    byte[] bytes;
    try {
      bytes = EntryCodec.encode(entry, serializer);
    } catch (NotSerializableValueException e) {
      throw new DepCacheException(
          "cannot cache the value of key '" + key + "': " + e.getMessage(), e);
    }
    write(key, null, bytes, ttlSeconds, List.copyOf(deps), -1, new long[0]);
  }

  /**
   * Writes an encoded entry with its dependency registrations.
   *
   * @param sequence the invalidation sequence the computation started at, fencing the write; a
   *     negative one writes unconditionally (manual {@link #set})
   * @param sequences per dependency, the sequence at which data for it was read
   */
  EntryIo.Written write(
      String key,
      String method,
      byte[] bytes,
      long ttlSeconds,
      List<Dependency> deps,
      long sequence,
      long[] sequences) {
    List<String> depKeys = new ArrayList<>(deps.size());
    for (Dependency dep : deps) {
      // a dependency may belong to another manager (addDependency(dep, manager)): its key too
      depKeys.add(dependencyKeys.apply(dep));
    }
    long ttlMillis = ttlMillis(ttlSeconds);
    EntryIo.Written written =
        guard(
            "set",
            key,
            () -> {
              if (sequence < 0) {
                store.put(entryKey(key), bytes, ttlMillis, depKeys);
                return EntryIo.Written.WRITTEN;
              }
              return store.putIfUnchangedSince(
                      entryKey(key), bytes, ttlMillis, depKeys, sequence, sequences)
                  ? EntryIo.Written.WRITTEN
                  : EntryIo.Written.REFUSED;
            },
            EntryIo.Written.SKIPPED);
    if (written == EntryIo.Written.WRITTEN) {
      events.fire(CacheEventType.SET, key, method, names(deps), ttlMillis / 1000, 1);
    } else if (written == EntryIo.Written.REFUSED) {
      OnceLog.LOG.debug(
          "depcache manager {}: {} not stored: invalidated while it was computed", name(), key);
    }
    return written;
  }

  @Override
  public long delete(String... keys) {
    Objects.requireNonNull(keys, "keys");
    List<String> entryKeys = new ArrayList<>(keys.length);
    for (String key : keys) {
      entryKeys.add(entryKey(requireKey(key)));
    }
    String shown = keys.length == 1 ? keys[0] : Arrays.toString(keys);
    long removed = guard("delete", shown, () -> store.delete(entryKeys), 0L);
    events.fire(CacheEventType.DELETE, shown, null, null, -1, removed);
    return removed;
  }

  @Override
  public long invalidateDependency(String dependency) {
    return invalidateDependencies(List.of(requireDependency(dependency)));
  }

  @Override
  public long invalidateDependencies(Collection<String> dependencies) {
    Objects.requireNonNull(dependencies, "dependencies");
    Set<String> names = new LinkedHashSet<>();
    List<String> depKeys = new ArrayList<>(dependencies.size());
    for (String dependency : dependencies) {
      if (names.add(requireDependency(dependency))) {
        depKeys.add(dependencyKey(dependency));
      }
    }
    if (depKeys.isEmpty()) {
      return 0;
    }
    long removed = invalidateStored(depKeys, names);
    repeater.repeat(this, depKeys, names);
    return removed;
  }

  /** Invalidates dependency sets by store key and reports it; the repeater calls it too. */
  long invalidateStored(List<String> depKeys, Set<String> names) {
    long removed = guard("invalidate", null, () -> store.invalidate(depKeys), 0L);
    events.fire(CacheEventType.INVALIDATE, null, null, names, -1, removed);
    return removed;
  }

  @Override
  public long clear() {
    long removed = guard("clear", null, () -> store.clear(namespace), 0L);
    events.fire(CacheEventType.CLEAR, null, null, null, -1, removed);
    return removed;
  }

  @Override
  public long ttl(String key) {
    requireKey(key);
    long millis = guard("ttl", key, () -> store.ttlMillis(entryKey(key)), -2L);
    return millis < 0 ? millis : (millis + 999) / 1000;
  }

  @Override
  public <T> T getOrCompute(String key, long ttlSeconds, Callable<T> loader) {
    requireKey(key);
    requireTtl(ttlSeconds);
    Objects.requireNonNull(loader, "loader");
    return callPath.compute(this, key, ttlSeconds, loader);
  }

  @Override
  public CacheEvents events() {
    return events;
  }

  @Override
  public AsyncCacheManager async() {
    return async;
  }

  /**
   * Runs a store operation under the manager's error policy: with {@code on-error=bypass} a failure
   * is an ERROR event and {@code fallback}; with {@code fail} it throws.
   */
  <T> T guard(String operation, String key, Supplier<T> action, T fallback) {
    try {
      return action.get();
    } catch (StoreException e) {
      events.fire(CacheEventType.ERROR, key, null, null, -1, 0);
      once.warn(
          "store:" + operation,
          "depcache manager {}: {} failed ({}); {}",
          name(),
          operation,
          e.getMessage(),
          config.failOnError() ? "failing the call (on-error=fail)" : "going on uncached");
      if (config.failOnError()) {
        throw new DepCacheException(
            "depcache manager " + name() + ": " + operation + " failed: " + e.getMessage(), e);
      }
      return fallback;
    }
  }

  /** An entry that cannot be read is a miss: delete it and report it. */
  void discardCorrupt(String key, String method, CorruptEntryException e) {
    events.fire(CacheEventType.ERROR, key, method, null, -1, 0);
    once.warn(
        "corrupt:" + (method != null ? method : key),
        "depcache manager {}: entry '{}' cannot be read ({}); deleted, computing it again",
        name(),
        key,
        e.getMessage());
    guard("delete", key, () -> store.delete(List.of(entryKey(key))), 0L);
  }

  static Set<String> names(Collection<Dependency> dependencies) {
    if (dependencies.isEmpty()) {
      return Set.of();
    }
    Set<String> names = new LinkedHashSet<>();
    for (Dependency dependency : dependencies) {
      names.add(dependency.name());
    }
    return names;
  }

  private static ClassLoader contextLoader() {
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    return loader != null ? loader : ClassLoader.getSystemClassLoader();
  }

  private static String requireKey(String key) {
    if (key == null || key.isEmpty()) {
      throw new IllegalArgumentException("key must be a non-empty string, got " + key);
    }
    return key;
  }

  private static String requireDependency(String dependency) {
    if (dependency == null || dependency.isEmpty()) {
      throw new IllegalArgumentException(
          "dependency must be a non-empty string such as \"user:42\", got " + dependency);
    }
    return dependency;
  }

  private static void requireTtl(long ttlSeconds) {
    if (ttlSeconds < -1) {
      throw new IllegalArgumentException(
          "ttlSeconds must be -1 (the default), 0 (never expires) or positive, got " + ttlSeconds);
    }
  }

  @Override
  public String toString() {
    return "CacheManager[" + name() + ", " + store.describe() + "]";
  }
}
