package io.depcache.agent.runtime;

import io.depcache.CacheEventType;
import io.depcache.CacheLevel;
import io.depcache.agent.serial.CorruptEntryException;
import io.depcache.agent.serial.EntryCodec;
import io.depcache.agent.serial.EntryDependencies;
import io.depcache.agent.serial.NotSerializableValueException;
import io.depcache.agent.serial.StoredEntry;
import io.depcache.agent.serial.ValueTooLargeException;
import io.depcache.agent.store.CacheStore;
import java.lang.reflect.Constructor;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Reads and writes the entries of cached calls: a lookup that is a hit or a miss that remembers the
 * invalidation sequence it saw, and a write fenced by that sequence.
 */
final class EntryIo {
  private final Managers managers;
  private final OnceLog once = new OnceLog();

  EntryIo(Managers managers) {
    this.managers = managers;
  }

  /**
   * Looks a key up in one round trip.
   *
   * @param method the cached method, or {@code null} for {@code getOrCompute}
   * @param parent the enclosing cached call, which a hit hands its dependencies to, or {@code null}
   * @return a {@link Hit}, or a {@link Lookup.Miss} with the invalidation sequence ({@link
   *     Lookup#UNFENCED} when the store could not be read)
   */
  Lookup lookup(
      ManagerCore manager,
      String key,
      MethodInfo method,
      Class<?> owner,
      ClassLoader loader,
      Frame parent) {
    return lookup(manager, key, method, owner, loader, parent, true);
  }

  /** As {@link #lookup}; a miss of a repeated lookup (waiting for a lease) is not an event. */
  Lookup lookup(
      ManagerCore manager,
      String key,
      MethodInfo method,
      Class<?> owner,
      ClassLoader loader,
      Frame parent,
      boolean reportMiss) {
    String methodName = method == null ? null : method.displayName;
    CacheStore.Lookup found = manager.lookup(key);
    if (found != null && found.value() != null) {
      try {
        // a near hit here was served, and counted, by the store's lookup
        return hit(manager, key, found, method, owner, loader, parent, reportMiss, true);
      } catch (CorruptEntryException e) {
        manager.discardCorrupt(key, methodName, e);
        // The discard fenced the key: read the sequence again, or the replacement is refused.
        found = manager.lookup(key);
      }
    }
    if (reportMiss) {
      manager.events.fire(CacheEventType.MISS, key, methodName, null, -1, 0);
    }
    return new Lookup.Miss(found == null ? Lookup.UNFENCED : found.sequence());
  }

  /**
   * The near cache's hit of a call, or {@code null} when the near cache cannot serve it now: no
   * round trip, so the caller times only the lookups that make one. An entry that cannot be read is
   * discarded, and the caller's lookup then finds it gone.
   */
  Hit nearLookup(
      ManagerCore manager,
      String key,
      MethodInfo method,
      Class<?> owner,
      ClassLoader loader,
      Frame parent) {
    CacheStore.Lookup found = manager.nearLookup(key);
    if (found == null || found.value() == null) {
      return null;
    }
    try {
      return hit(manager, key, found, method, owner, loader, parent, true, false);
    } catch (CorruptEntryException e) {
      manager.discardCorrupt(key, method == null ? null : method.displayName, e);
      return null;
    }
  }

  /**
   * The hit of a found entry: decoded, its dependencies handed to the parent, counted. A near hit
   * is counted once: by the method's stats when the call counts itself ({@code countMethod}: the
   * lookup that starts it, not a lease waiter's), else by the manager's; and when the store counted
   * it too ({@code storeCounted}), that is noted, so that the store's total counts it once.
   */
  private static Hit hit(
      ManagerCore manager,
      String key,
      CacheStore.Lookup found,
      MethodInfo method,
      Class<?> owner,
      ClassLoader loader,
      Frame parent,
      boolean countMethod,
      boolean storeCounted) {
    Hit hit = found.near() ? nearHit(manager, key, found, method, owner, loader) : null;
    if (hit == null) {
      hit =
          toHit(
              decode(manager, key, found, loader),
              method,
              owner,
              loader,
              found.near() ? CacheLevel.NEAR : CacheLevel.STORE);
    }
    if (parent != null) {
      parent.consume(hit.dependencies());
    }
    boolean countedByMethod = false;
    if (hit.level() == CacheLevel.NEAR) {
      if (method != null && countMethod) {
        method.stats.nearHit();
        countedByMethod = true;
      }
      if (storeCounted) {
        manager.events.stats().nearHitCountedByStore();
      }
    }
    // Counted always; the dependencies' names are built for a listener only.
    manager.events.fireHit(
        key,
        method == null ? null : method.displayName,
        manager.events.wants(CacheEventType.HIT) ? names(hit.dependencies()) : null,
        hit.level(),
        countedByMethod);
    return hit;
  }

  private static StoredEntry decode(
      ManagerCore manager, String key, CacheStore.Lookup found, ClassLoader loader) {
    return EntryCodec.decode(
        // the store key is made only to check a signature: a hit makes none otherwise
        manager.signing.signs()
            ? manager.signing.open(manager.entryKey(key), found.value())
            : found.value(),
        manager.serializer,
        loader,
        manager.config.maxEntryBytes());
  }

  /**
   * A near hit that shares the instance decoded at the entry's first near hit ({@code
   * near-cache.copy=false}): the hit kept in the near entry's slot, when it was made for the same
   * method, owner and class loader (what {@link #toHit} checked it against); else one decoded now
   * and kept for the next. {@code null} with {@code copy=true}: the caller decodes a fresh copy.
   */
  private static Hit nearHit(
      ManagerCore manager,
      String key,
      CacheStore.Lookup found,
      MethodInfo method,
      Class<?> owner,
      ClassLoader loader) {
    if (manager.config.nearCacheCopy()) {
      return null;
    }
    if (found.decoded().get() instanceof NearHit kept && kept.fits(method, owner, loader)) {
      return kept.hit();
    }
    StoredEntry entry = decode(manager, key, found, loader);
    Hit hit = toHit(entry, method, owner, loader, CacheLevel.NEAR);
    // A cached exception is a new instance for every hit: a thrown one is not shared.
    if (hit.exception() == null) {
      found.decoded().set(new NearHit(method, owner, loader, hit));
    }
    return hit;
  }

  /** The names of an entry's dependencies, for events. */
  static Set<String> names(EntryDependencies dependencies) {
    if (dependencies.size() == 0) {
      return Set.of();
    }
    Set<String> names = new LinkedHashSet<>();
    for (int i = 0; i < dependencies.size(); i++) {
      names.add(dependencies.name(i));
    }
    return names;
  }

  private static Hit toHit(
      StoredEntry entry, MethodInfo method, Class<?> owner, ClassLoader loader, CacheLevel level) {
    EntryDependencies deps = entry.dependencies();
    switch (entry.kind()) {
      case NULL:
        if (method != null && method.primitiveReturn()) {
          throw new CorruptEntryException("a null entry for a method returning a primitive");
        }
        return new Hit(null, null, deps, level);
      case EXCEPTION:
        return new Hit(null, rebuild(entry, method, loader), deps, level);
      case OPTIONAL_EMPTY:
        return new Hit(returnable(Optional.empty(), method, owner), null, deps, level);
      case OPTIONAL:
        return new Hit(returnable(Optional.of(entry.value()), method, owner), null, deps, level);
      default:
        return new Hit(returnable(entry.value(), method, owner), null, deps, level);
    }
  }

  /**
   * Returns a cached value that the method may return: of its return type, and with elements, keys,
   * values and content of the type's arguments, so that a caller never fails on a value read from
   * the store (an entry of an older version of the method, or planted).
   *
   * @throws CorruptEntryException when the value does not fit
   */
  private static Object returnable(Object value, MethodInfo method, Class<?> owner) {
    if (method == null || value == null) {
      return value;
    }
    ValueShape shape = method.returnShape(owner);
    Class<?> misfit;
    try {
      if (shape.fit(value, ValueShape.BUDGET) != ValueShape.MISFIT) {
        return value;
      }
      misfit = shape.misfit(value);
    } catch (RuntimeException e) {
      // A collection of the application's whose iteration fails would fail the caller too.
      throw new CorruptEntryException(
          "the entry holds a " + value.getClass().getName() + " that cannot be checked: " + e, e);
    }
    throw new CorruptEntryException(
        "the entry holds a "
            + value.getClass().getName()
            + (misfit == value.getClass() ? "" : " holding a " + misfit.getName())
            + " but the method returns "
            + method.spec.genericReturnType());
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
  Written store(Frame frame, EntryDependencies recorded, Object returned, Throwable thrown) {
    Object prepared = prepare(frame, recorded, returned, thrown);
    return prepared instanceof Write write ? write.run() : (Written) prepared;
  }

  /**
   * An encoded entry ready to be written: encoding is done, only the store's round trip is left.
   */
  record Write(
      ManagerCore manager,
      String key,
      String method,
      byte[] bytes,
      long ttlSeconds,
      List<String> dependencyKeys,
      Set<String> names,
      long sequence,
      long[] sequences) {
    Written run() {
      return manager.write(
          key, method, bytes, ttlSeconds, dependencyKeys, names, sequence, sequences);
    }
  }

  /**
   * Encodes the outcome of a computed frame, on the thread that computed it (the caller may change
   * the value once the call returned).
   *
   * @param recorded the frame's dependencies as its entry records them
   * @return the {@link Write} to make, or what happened instead ({@link Written})
   */
  Object prepare(Frame frame, EntryDependencies recorded, Object returned, Throwable thrown) {
    MethodInfo method = frame.method;
    ManagerCore manager = frame.manager;
    if (frame.sequence == Lookup.UNFENCED) {
      return Written.SKIPPED;
    }
    long elapsed = System.nanoTime() - frame.startedNanos;
    if (elapsed > TimeUnit.MILLISECONDS.toNanos(CacheStore.FENCE_RETENTION_MILLIS)) {
      // Fences of invalidations during so long a computation may have expired: not provable.
      return Written.REFUSED;
    }
    StoredEntry entry;
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
              recorded);
    } else if (returned == null
        && method != null
        && !method.spec.cacheNulls()
        && method.async != Async.MONO) {
      // An empty Mono is a result like any other; a null elsewhere is cached on request only.
      return Written.SKIPPED;
    } else {
      entry = entryOf(returned, recorded);
    }
    List<String> dependencyKeys = dependencyKeys(frame);
    if (dependencyKeys == null) {
      return Written.SKIPPED;
    }
    byte[] bytes;
    try {
      bytes = EntryCodec.encode(entry, manager.serializer, manager.config.maxEntryBytes());
    } catch (ValueTooLargeException e) {
      once.warn(
          "too-large:" + frame.what(),
          "{}: {}; such results are not cached",
          frame.what(),
          e.getMessage());
      return Written.SKIPPED;
    } catch (NotSerializableValueException e) {
      once.warn(
          "unserializable:" + frame.what(),
          "{}: the result cannot be serialized ({}); calls run uncached",
          frame.what(),
          e.getMessage());
      return Written.SKIPPED;
    }
    long ttl = frame.ttlOverride != Frame.TTL_UNSET ? frame.ttlOverride : ttlOf(method);
    return new Write(
        manager,
        frame.key,
        method == null ? null : method.displayName,
        bytes,
        ttl,
        dependencyKeys,
        names(recorded),
        frame.sequence,
        sequencesOf(recorded));
  }

  /** The entry for a value: {@code null} and {@code Optional} have kinds of their own. */
  static StoredEntry entryOf(Object value, EntryDependencies dependencies) {
    if (value == null) {
      return new StoredEntry(StoredEntry.Kind.NULL, null, null, null, dependencies);
    }
    if (value instanceof Optional<?> optional) {
      return optional.isPresent()
          ? new StoredEntry(StoredEntry.Kind.OPTIONAL, optional.get(), null, null, dependencies)
          : new StoredEntry(StoredEntry.Kind.OPTIONAL_EMPTY, null, null, null, dependencies);
    }
    return new StoredEntry(StoredEntry.Kind.VALUE, value, null, null, dependencies);
  }

  private static long[] sequencesOf(EntryDependencies dependencies) {
    long[] sequences = new long[dependencies.size()];
    for (int i = 0; i < sequences.length; i++) {
      sequences[i] = dependencies.sequence(i);
    }
    return sequences;
  }

  private static long ttlOf(MethodInfo method) {
    return method == null ? -1 : method.spec.ttl();
  }

  /**
   * The store keys of the frame's dependency sets, in the namespaces of the managers they belong
   * to; {@code null} when one of those managers uses another store, which one write cannot reach.
   */
  private List<String> dependencyKeys(Frame frame) {
    List<String> keys = new ArrayList<>(frame.dependencies().size());
    for (Dependency dependency : frame.dependencies()) {
      ManagerCore owner =
          dependency.manager().equals(frame.manager.name())
              ? frame.manager
              : managers.core(dependency.manager());
      if (owner.store != frame.manager.store) {
        once.warn(
            "cross-store:" + frame.what() + ":" + dependency.manager(),
            "{}: depends on '{}' of manager {}, which uses another store than manager {};"
                + " such calls run uncached",
            frame.what(),
            LogText.key(dependency.name()),
            dependency.manager(),
            frame.manager.name());
        return null;
      }
      keys.add(owner.dependencyKey(dependency.name()));
    }
    return keys;
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
