package io.depcache.agent.runtime;

import io.depcache.CacheEventType;
import io.depcache.DepCacheException;
import io.depcache.agent.config.ManagerConfig;
import io.depcache.agent.monitor.EventDispatcher;
import io.depcache.agent.serial.CorruptEntryException;
import io.depcache.agent.serial.EntryCodec;
import io.depcache.agent.serial.EntrySigner;
import io.depcache.agent.serial.Serializer;
import io.depcache.agent.serial.StoredEntry;
import io.depcache.agent.store.CacheStore;
import io.depcache.agent.store.KeyLayout;
import io.depcache.agent.store.StoreException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * What one named manager is to the call path and to its facade: its store, serializer, namespace,
 * on-error policy and events, and the store operations under that policy (lookup, write,
 * invalidate, discard). It checks no argument (its callers did) and calls nothing above it.
 */
final class ManagerCore {
  final ManagerConfig config;
  final CacheStore store;
  final Serializer serializer;
  final String namespace;

  /** What every entry key of {@link #namespace} starts with. */
  private final String entryKeys;

  private final byte[] entryKeysUtf8;

  final EventDispatcher events;

  /** Signs what {@link #write} stores; its readers check with it before decoding. */
  final EntrySigner signing;

  private final Repeater repeater;
  private final OnceLog once = new OnceLog();

  /** Whether a store failure throws: {@code on-error=fail}, or an operator's command. */
  private final boolean failOnError;

  /** Whether cached methods use the cache (the MBean's {@code Enabled}); read on every call. */
  volatile boolean enabled = true;

  ManagerCore(ManagerConfig config, CacheStore store, Serializer serializer, Repeater repeater) {
    this(config, store, serializer, repeater, config.failOnError());
  }

  ManagerCore(
      ManagerConfig config,
      CacheStore store,
      Serializer serializer,
      Repeater repeater,
      boolean failOnError) {
    this.failOnError = failOnError;
    this.config = config;
    this.store = store;
    this.serializer = serializer;
    this.namespace = KeyLayout.namespace(config.prefix(), config.name());
    this.entryKeys = KeyLayout.entryKeysOf(namespace);
    this.entryKeysUtf8 = entryKeys.getBytes(StandardCharsets.UTF_8);
    this.events = new EventDispatcher(config.name());
    this.signing = EntrySigner.of(config.signingKeyBytes(), config.signingKeyPreviousBytes());
    this.repeater = repeater;
    warmDecoding(serializer, config.maxEntryBytes());
  }

  /**
   * Encodes and decodes one small entry, so that the classes of the hit path's decoding are loaded
   * and initialized now, by the thread that makes the manager, and not by the first hits all at
   * once: many virtual threads that wait for one class's initialization each pin their carrier.
   */
  private static void warmDecoding(Serializer serializer, int maxEntryBytes) {
    try {
      byte[] bytes =
          EntryCodec.encode(
              new StoredEntry(StoredEntry.Kind.VALUE, "depcache", null, null, null),
              serializer,
              maxEntryBytes);
      EntryCodec.decode(bytes, serializer, ManagerCore.class.getClassLoader(), maxEntryBytes);
    } catch (RuntimeException | LinkageError e) {
      // the first real entry says what is wrong, where a caller sees it
    }
  }

  String name() {
    return config.name();
  }

  String entryKey(String key) {
    return KeyLayout.entryKeyAt(entryKeys, key);
  }

  String dependencyKey(String dependency) {
    return KeyLayout.dependencyKey(namespace, dependency);
  }

  /** Milliseconds to live for a ttl in seconds, {@code -1} meaning this manager's default. */
  long ttlMillis(long ttlSeconds) {
    long seconds = ttlSeconds < 0 ? config.ttlSeconds() : ttlSeconds;
    return seconds * 1000;
  }

  /** The stored entry and the invalidation sequence, or {@code null} when the store failed. */
  CacheStore.Lookup lookup(String key) {
    // guard's work without its lambda: the hit path allocates nothing it can avoid
    try {
      return store.lookup(entryKeys, entryKeysUtf8, key);
    } catch (StoreException e) {
      return failed("get", key, e, null);
    }
  }

  /** The entry if the near cache may serve it now, else {@code null}; never a round trip. */
  CacheStore.Lookup nearLookup(String key) {
    return store.nearLookup(entryKeys, key);
  }

  /** The stored entry's bytes, or {@code null} when absent or the store failed. */
  byte[] get(String key) {
    return guard("get", key, () -> store.get(entryKey(key)), null);
  }

  boolean exists(String key) {
    return guard("exists", key, () -> store.exists(entryKey(key)), false);
  }

  /** Seconds to live, rounded up; {@code -1} for no expiry, {@code -2} for no entry. */
  long ttlSeconds(String key) {
    long millis = guard("ttl", key, () -> store.ttlMillis(entryKey(key)), -2L);
    return millis < 0 ? millis : (millis + 999) / 1000;
  }

  /**
   * Writes an encoded entry with its dependency registrations.
   *
   * @param method the cached method's display name for events, or {@code null}
   * @param dependencyKeys the store keys of the entry's dependency sets, which may belong to other
   *     managers on the same store
   * @param names the dependencies as declared, for the event
   * @param sequence the invalidation sequence the computation started at, fencing the write; a
   *     negative one writes unconditionally (manual {@code set})
   * @param sequences per dependency, the sequence at which data for it was read
   */
  Written write(
      String key,
      String method,
      byte[] bytes,
      long ttlSeconds,
      List<String> dependencyKeys,
      Set<String> names,
      long sequence,
      long[] sequences) {
    long ttlMillis = ttlMillis(ttlSeconds);
    byte[] stored = signing.seal(entryKey(key), bytes);
    Written written =
        guard(
            "set",
            key,
            () -> {
              if (sequence < 0) {
                store.put(entryKey(key), stored, ttlMillis, dependencyKeys);
                return Written.WRITTEN;
              }
              return store.putIfUnchangedSince(
                      entryKey(key), stored, ttlMillis, dependencyKeys, sequence, sequences)
                  ? Written.WRITTEN
                  : Written.REFUSED;
            },
            Written.SKIPPED);
    if (written == Written.WRITTEN) {
      events.fire(CacheEventType.SET, key, method, names, ttlMillis / 1000, 1);
    } else if (written == Written.REFUSED) {
      OnceLog.LOG.debug(
          "depcache manager {}: {} not stored: invalidated while it was computed", name(), key);
    }
    return written;
  }

  /**
   * Deletes entries.
   *
   * @param keys the keys, for the store
   * @param shown how the event and a failure name them
   */
  long delete(List<String> keys, String shown) {
    List<String> entryKeys = keys.stream().map(this::entryKey).toList();
    long removed = guard("delete", shown, () -> store.delete(entryKeys), 0L);
    events.fire(CacheEventType.DELETE, shown, null, null, -1, removed);
    return removed;
  }

  /**
   * Invalidates dependencies of this manager now, and once more {@code
   * depcache.invalidate.repeat-after-ms} later.
   *
   * @param names distinct, non-empty dependencies
   */
  long invalidate(Set<String> names) {
    if (names.isEmpty()) {
      return 0;
    }
    List<String> dependencyKeys = names.stream().map(this::dependencyKey).toList();
    long removed = invalidateStored(dependencyKeys, names);
    repeater.repeat(() -> invalidateStored(dependencyKeys, names));
    return removed;
  }

  private long invalidateStored(List<String> dependencyKeys, Set<String> names) {
    long removed = guard("invalidate", null, () -> store.invalidate(dependencyKeys), 0L);
    events.fire(CacheEventType.INVALIDATE, null, null, names, -1, removed);
    return removed;
  }

  long clear() {
    long removed = guard("clear", null, () -> store.clear(namespace), 0L);
    events.fire(CacheEventType.CLEAR, null, null, null, -1, removed);
    return removed;
  }

  /** Takes the cross-JVM lease of an entry; a store failure counts as taken. */
  boolean tryLease(String key, String token, long millis) {
    // Waiting on a store that does not answer helps nobody.
    return guard("lease", key, () -> store.tryLease(entryKey(key), token, millis), true);
  }

  void releaseLease(String key, String token) {
    guard(
        "lease",
        key,
        () -> {
          store.releaseLease(entryKey(key), token);
          return null;
        },
        null);
  }

  /** An entry that cannot be read is a miss: delete it and report it. */
  void discardCorrupt(String key, String method, CorruptEntryException e) {
    events.fire(CacheEventType.ERROR, key, method, null, -1, 0);
    once.warn(
        "corrupt:" + (method != null ? method : key),
        "depcache manager {}: entry '{}' cannot be read ({}); deleted, computing it again",
        name(),
        LogText.key(key),
        e.getMessage());
    guard("delete", key, () -> store.delete(List.of(entryKey(key))), 0L);
  }

  /**
   * Runs a store operation under the manager's error policy: with {@code on-error=bypass} a failure
   * is an ERROR event and {@code fallback}; with {@code fail} it throws.
   */
  private <T> T guard(String operation, String key, Supplier<T> action, T fallback) {
    try {
      return action.get();
    } catch (StoreException e) {
      return failed(operation, key, e, fallback);
    }
  }

  /** Reports a failed store operation; returns the fallback, or throws under on-error=fail. */
  private <T> T failed(String operation, String key, StoreException e, T fallback) {
    events.fire(CacheEventType.ERROR, key, null, null, -1, 0);
    if (e.kind() == StoreException.Kind.UNAVAILABLE && !failOnError) {
      // An outage: the store said why, once, when its circuit opened (ResilientStore).
      OnceLog.LOG.debug(
          "depcache manager {}: {} failed, going on uncached: {}",
          name(),
          operation,
          e.getMessage());
      return fallback;
    }
    once.warn(
        "store:" + operation,
        "depcache manager {}: {} failed ({}); {}",
        name(),
        operation,
        e.getMessage(),
        failOnError ? "failing the call" : "going on uncached");
    if (failOnError) {
      throw new DepCacheException(
          "depcache manager " + name() + ": " + operation + " failed: " + e.getMessage(), e);
    }
    return fallback;
  }

  @Override
  public String toString() {
    return name() + ", " + store.describe();
  }
}
