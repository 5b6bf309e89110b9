package io.depcache.agent.runtime;

import io.depcache.CacheEventType;
import io.depcache.agent.serial.CorruptEntryException;
import io.depcache.agent.serial.Dependency;
import io.depcache.agent.serial.EntryCodec;
import io.depcache.agent.serial.NotSerializableValueException;
import io.depcache.agent.serial.StoredEntry;
import io.depcache.agent.store.CacheStore;
import java.lang.reflect.Constructor;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Reads and writes the entries of cached calls: a lookup that is a hit or a miss that remembers the
 * invalidation sequence it saw, and a write fenced by that sequence.
 */
final class EntryIo {
  /** A miss whose store could not be read: its computation is not stored (it cannot be fenced). */
  static final long UNFENCED = -1;

  private final Managers managers;
  private final OnceLog once = new OnceLog();

  EntryIo(Managers managers) {
    this.managers = managers;
  }

  /** What happened to a write. */
  enum Written {
    WRITTEN,
    /** An invalidation or delete during the computation fenced it out: the value may be stale. */
    REFUSED,
    /** Not stored for another reason (not cacheable, store failure): the value itself is fine. */
    SKIPPED
  }

  /**
   * Looks a key up in one round trip.
   *
   * @return a {@link Hit}, or a {@link Lookup.Miss} with the invalidation sequence ({@link
   *     #UNFENCED} when the store could not be read)
   */
  Lookup lookup(
      ManagerRuntime manager,
      String key,
      MethodInfo method,
      Class<?> owner,
      ClassLoader loader,
      Frame parent) {
    return lookup(manager, key, method, owner, loader, parent, true);
  }

  /** As {@link #lookup}; a miss of a repeated lookup (waiting for a lease) is not an event. */
  Lookup lookup(
      ManagerRuntime manager,
      String key,
      MethodInfo method,
      Class<?> owner,
      ClassLoader loader,
      Frame parent,
      boolean reportMiss) {
    String methodName = method == null ? null : method.displayName;
    CacheStore.Lookup found =
        manager.guard("get", key, () -> manager.store.lookup(manager.entryKey(key)), null);
    if (found != null && found.value() != null) {
      try {
        StoredEntry entry = EntryCodec.decode(found.value(), manager.serializer, loader);
        Hit hit = toHit(entry, method, owner, loader);
        if (parent != null) {
          parent.consume(entry.dependencies(), sequences(entry));
        }
        if (manager.events.wants(CacheEventType.HIT)) {
          manager.events.fire(
              CacheEventType.HIT,
              key,
              methodName,
              ManagerRuntime.names(entry.dependencies()),
              -1,
              1);
        }
        return hit;
      } catch (CorruptEntryException e) {
        manager.discardCorrupt(key, methodName, e);
        // The discard fenced the key: read the sequence again, or the replacement is refused.
        found = manager.guard("get", key, () -> manager.store.lookup(manager.entryKey(key)), null);
      }
    }
    if (reportMiss) {
      manager.events.fire(CacheEventType.MISS, key, methodName, null, -1, 0);
    }
    return new Lookup.Miss(found == null ? UNFENCED : found.sequence());
  }

  private static Hit toHit(
      StoredEntry entry, MethodInfo method, Class<?> owner, ClassLoader loader) {
    switch (entry.kind()) {
      case NULL:
        if (method != null && method.primitiveReturn()) {
          throw new CorruptEntryException("a null entry for a method returning a primitive");
        }
        return new Hit(null, null, entry.dependencies(), sequences(entry));
      case EXCEPTION:
        return new Hit(
            null, rebuild(entry, method, loader), entry.dependencies(), sequences(entry));
      case OPTIONAL_EMPTY:
        return new Hit(Optional.empty(), null, entry.dependencies(), sequences(entry));
      case OPTIONAL:
        return new Hit(Optional.of(entry.value()), null, entry.dependencies(), sequences(entry));
      default:
        Object value = entry.value();
        if (method != null && value != null && !method.boxedReturnType(owner).isInstance(value)) {
          throw new CorruptEntryException(
              "the entry holds a "
                  + value.getClass().getName()
                  + " but the method returns "
                  + method.spec.returnTypeName());
        }
        return new Hit(value, null, entry.dependencies(), sequences(entry));
    }
  }

  private static long[] sequences(StoredEntry entry) {
    long[] sequences = new long[entry.dependencies().size()];
    for (int i = 0; i < sequences.length; i++) {
      sequences[i] = entry.sequenceOf(i);
    }
    return sequences;
  }

  /** A cached exception comes back as a new instance of the same type with the same message. */
  private static Throwable rebuild(StoredEntry entry, MethodInfo method, ClassLoader loader) {
    try {
      Class<?> type = Class.forName(entry.exceptionClass(), false, loader);
      if (!Throwable.class.isAssignableFrom(type)
          || method == null
          || !method.spec.cacheExceptions().contains(type.getName())) {
        throw new CorruptEntryException(entry.exceptionClass() + " is not a cached exception here");
      }
      try {
        Constructor<?> withMessage = type.getConstructor(String.class);
        return (Throwable) withMessage.newInstance(entry.exceptionMessage());
      } catch (NoSuchMethodException e) {
        Constructor<?> plain = type.getConstructor();
        return (Throwable) plain.newInstance();
      }
    } catch (ReflectiveOperationException | LinkageError e) {
      throw new CorruptEntryException(
          "cannot rebuild the cached " + entry.exceptionClass() + ": " + e, e);
    }
  }

  /** Stores the outcome of a computed frame, unless a fence says it may be stale. */
  Written store(Frame frame, Object returned, Throwable thrown) {
    MethodInfo method = frame.method;
    ManagerRuntime manager = frame.manager;
    if (frame.sequence == UNFENCED) {
      return Written.SKIPPED;
    }
    long elapsed = System.nanoTime() - frame.startedNanos;
    if (elapsed > TimeUnit.MILLISECONDS.toNanos(CacheStore.FENCE_RETENTION_MILLIS)) {
      // Fences of invalidations during so long a computation may have expired: not provable.
      return Written.REFUSED;
    }
    StoredEntry entry;
    List<Dependency> dependencies = frame.dependencyList();
    long[] sequences = frame.sequences();
    if (thrown != null) {
      if (method == null || !cachesException(method, frame.owner, thrown)) {
        return Written.SKIPPED;
      }
      entry =
          new StoredEntry(
              StoredEntry.Kind.EXCEPTION,
              null,
              thrown.getClass().getName(),
              thrown.getMessage(),
              dependencies,
              sequences);
    } else if (returned == null && method != null && !method.spec.cacheNulls()) {
      return Written.SKIPPED;
    } else {
      entry = entryOf(returned, dependencies, sequences);
    }
    if (!sameStore(frame)) {
      return Written.SKIPPED;
    }
    byte[] bytes;
    try {
      bytes = EntryCodec.encode(entry, manager.serializer);
    } catch (NotSerializableValueException e) {
      once.warn(
          "unserializable:" + frame.what(),
          "{}: the result cannot be serialized ({}); calls run uncached",
          frame.what(),
          e.getMessage());
      return Written.SKIPPED;
    }
    long ttl = frame.ttlOverride != Frame.TTL_UNSET ? frame.ttlOverride : ttlOf(method);
    return manager.write(
        frame.key,
        method == null ? null : method.displayName,
        bytes,
        ttl,
        dependencies,
        frame.sequence,
        sequences);
  }

  /** The entry for a value: {@code null} and {@code Optional} have kinds of their own. */
  static StoredEntry entryOf(Object value, List<Dependency> dependencies, long[] sequences) {
    if (value == null) {
      return new StoredEntry(StoredEntry.Kind.NULL, null, null, null, dependencies, sequences);
    }
    if (value instanceof Optional<?> optional) {
      return optional.isPresent()
          ? new StoredEntry(
              StoredEntry.Kind.OPTIONAL, optional.get(), null, null, dependencies, sequences)
          : new StoredEntry(
              StoredEntry.Kind.OPTIONAL_EMPTY, null, null, null, dependencies, sequences);
    }
    return new StoredEntry(StoredEntry.Kind.VALUE, value, null, null, dependencies, sequences);
  }

  private static long ttlOf(MethodInfo method) {
    return method == null ? -1 : method.spec.ttl();
  }

  private boolean sameStore(Frame frame) {
    for (Dependency dependency : frame.dependencies.keySet()) {
      if (!dependency.manager().equals(frame.manager.name())
          && managers.get(dependency.manager()).store != frame.manager.store) {
        once.warn(
            "cross-store:" + frame.what() + ":" + dependency.manager(),
            "{}: depends on '{}' of manager {}, which uses another store than manager {};"
                + " such calls run uncached",
            frame.what(),
            dependency.name(),
            dependency.manager(),
            frame.manager.name());
        return false;
      }
    }
    return true;
  }

  private static boolean cachesException(MethodInfo method, Class<?> owner, Throwable thrown) {
    if (method.spec.cacheExceptions().isEmpty()) {
      return false;
    }
    for (Class<? extends Throwable> type : method.cacheExceptions(owner)) {
      if (type.isInstance(thrown)) {
        return true;
      }
    }
    return false;
  }
}
