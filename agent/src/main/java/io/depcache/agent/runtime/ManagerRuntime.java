package io.depcache.agent.runtime;

import io.depcache.AsyncCacheManager;
import io.depcache.CacheEventType;
import io.depcache.CacheEvents;
import io.depcache.CacheLevel;
import io.depcache.CacheManager;
import io.depcache.DepCacheException;
import io.depcache.agent.serial.CorruptEntryException;
import io.depcache.agent.serial.EntryCodec;
import io.depcache.agent.serial.EntryDependencies;
import io.depcache.agent.serial.NotSerializableValueException;
import io.depcache.agent.serial.StoredEntry;
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

/**
 * The public {@link CacheManager} of one named manager: it checks the arguments and hands each
 * operation to the manager's {@link ManagerCore}, or {@code getOrCompute} to {@link GetOrCompute}.
 */
final class ManagerRuntime implements CacheManager {
  private final ManagerCore core;
  private final GetOrCompute getOrCompute;
  private final AsyncManager async;

  ManagerRuntime(ManagerCore core, GetOrCompute getOrCompute, Executor executor) {
    this.core = core;
    this.getOrCompute = getOrCompute;
    this.async = new AsyncManager(this, executor);
  }

  @Override
  public String name() {
    return core.name();
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T> T get(String key) {
    requireKey(key);
    byte[] raw = core.get(key);
    if (raw == null) {
      core.events.fire(CacheEventType.MISS, key, null, null, -1, 0);
      return null;
    }
    try {
      StoredEntry entry =
          EntryCodec.decode(
              core.signing.open(core.entryKey(key), raw),
              core.serializer,
              contextLoader(),
              core.config.maxEntryBytes());
      // read with GET from the store: the near cache serves lookups of cached calls only
      core.events.fireHit(key, null, EntryIo.names(entry.dependencies()), CacheLevel.STORE);
      return switch (entry.kind()) {
        case VALUE -> (T) entry.value();
        case OPTIONAL -> (T) Optional.of(entry.value());
        case OPTIONAL_EMPTY -> (T) Optional.empty();
        default -> null;
      };
    } catch (CorruptEntryException e) {
      core.discardCorrupt(key, null, e);
      return null;
    }
  }

  @Override
  public boolean exists(String key) {
    return core.exists(requireKey(key));
  }

  @Override
  public void set(String key, Object value) {
    set(key, value, -1, List.of());
  }

  @Override
  public void set(String key, Object value, long ttlSeconds, Collection<String> dependencies) {
    requireKey(key);
    requireTtl(ttlSeconds);
    Set<String> names = new LinkedHashSet<>();
    if (dependencies != null) {
      for (String dependency : dependencies) {
        names.add(requireDependency(dependency));
      }
    }
    String[] managers = new String[names.size()];
    Arrays.fill(managers, name());
    EntryDependencies recorded =
        EntryDependencies.of(managers, names.toArray(new String[0]), new long[0]);
    byte[] bytes;
    try {
      bytes =
          EntryCodec.encode(
              EntryIo.entryOf(value, recorded), core.serializer, core.config.maxEntryBytes());
    } catch (NotSerializableValueException e) {
      throw new DepCacheException(
          "cannot cache the value of key '" + key + "': " + e.getMessage(), e);
    }
    List<String> dependencyKeys = new ArrayList<>(names.size());
    for (String dependency : names) {
      dependencyKeys.add(core.dependencyKey(dependency));
    }
    core.write(key, null, bytes, ttlSeconds, dependencyKeys, names, -1, new long[0]);
  }

  @Override
  public long delete(String... keys) {
    Objects.requireNonNull(keys, "keys");
    for (String key : keys) {
      requireKey(key);
    }
    return core.delete(List.of(keys), keys.length == 1 ? keys[0] : Arrays.toString(keys));
  }

  @Override
  public long invalidateDependency(String dependency) {
    return invalidateDependencies(List.of(requireDependency(dependency)));
  }

  @Override
  public long invalidateDependencies(Collection<String> dependencies) {
    Objects.requireNonNull(dependencies, "dependencies");
    Set<String> names = new LinkedHashSet<>();
    for (String dependency : dependencies) {
      names.add(requireDependency(dependency));
    }
    return core.invalidate(names);
  }

  @Override
  public long clear() {
    return core.clear();
  }

  @Override
  public long ttl(String key) {
    return core.ttlSeconds(requireKey(key));
  }

  @Override
  public <T> T getOrCompute(String key, long ttlSeconds, Callable<T> loader) {
    requireKey(key);
    requireTtl(ttlSeconds);
    Objects.requireNonNull(loader, "loader");
    return getOrCompute.compute(core, key, ttlSeconds, loader);
  }

  @Override
  public CacheEvents events() {
    return core.events;
  }

  @Override
  public AsyncCacheManager async() {
    return async;
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
    return "CacheManager[" + core + "]";
  }
}
