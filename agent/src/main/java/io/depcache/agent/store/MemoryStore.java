package io.depcache.agent.store;

import java.util.Collection;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * A {@link CacheStore} in this JVM's memory, with the semantics of {@link RedisStore}: entries
 * expire by their ttl, a dependency set lives as long as its longest-lived member, invalidation
 * removes every dependent.
 *
 * <p>Reads take no lock; writes (put, delete, invalidate, clear) take one lock, so an invalidation
 * never sees a put half-registered. Expired keys are dropped when read and by a sweep that runs on
 * a write at most once a minute.
 *
 * <p>Values are kept by reference, as Redis keeps bytes: callers do not change an array after
 * {@link #put} nor one that {@link #get} returned.
 *
 * <p><b>Warning:</b> one JVM only: other JVMs neither see these entries nor their invalidations.
 */
public final class MemoryStore implements CacheStore {
  private static final long NEVER = Long.MAX_VALUE;
  private static final long ABSENT = Long.MIN_VALUE;
  private static final long SWEEP_INTERVAL_MILLIS = TimeUnit.MINUTES.toMillis(1);

  private record Entry(byte[] value, long expiresAt) {}

  private static final class DependencySet {
    final Set<String> members = new HashSet<>();
    long expiresAt;

    DependencySet(long expiresAt) {
      this.expiresAt = expiresAt;
    }
  }

  private final Map<String, Entry> entries = new ConcurrentHashMap<>();

  private final MemoryFences fences = new MemoryFences();

  private record Lease(String token, long expiresAt) {}

  private final Map<String, Lease> leases = new ConcurrentHashMap<>();

  private final Map<String, DependencySet> sets = new ConcurrentHashMap<>();
  private final ReentrantLock writeLock = new ReentrantLock();
  private final LongSupplier clockMillis;
  private long nextSweep;

  /** Creates an empty store on the system clock. */
  public MemoryStore() {
    this(System::currentTimeMillis);
  }

  MemoryStore(LongSupplier clockMillis) {
    this.clockMillis = clockMillis;
    this.nextSweep = clockMillis.getAsLong() + SWEEP_INTERVAL_MILLIS;
  }

  @Override
  public byte[] get(String entryKey) {
    Entry entry = live(entryKey);
    return entry == null ? null : entry.value();
  }

  @Override
  public Lookup lookup(String entryKey) {
    // The sequence first: a lookup that sees an entry also sees every fence raised before it.
    long seen = fences.sequence();
    return new Lookup(get(entryKey), seen);
  }

  @Override
  public boolean putIfUnchangedSince(
      String entryKey,
      byte[] value,
      long ttlMillis,
      List<String> dependencyKeys,
      long since,
      long[] dependencySequences) {
    FenceArguments.check(since, dependencyKeys, dependencySequences);
    writeLock.lock();
    try {
      long now = clockMillis.getAsLong();
      if (fences.fencedAfter(entryKey, since, now)) {
        return false;
      }
      for (int i = 0; i < dependencyKeys.size(); i++) {
        if (fences.fencedAfter(dependencyKeys.get(i), dependencySequences[i], now)) {
          return false;
        }
      }
      put(entryKey, value, ttlMillis, dependencyKeys);
      return true;
    } finally {
      writeLock.unlock();
    }
  }

  @Override
  public boolean tryLease(String entryKey, String token, long millis) {
    // One JVM: single flight already lets one thread compute; the lease only has to agree.
    long now = clockMillis.getAsLong();
    String key = KeyLayout.leaseKey(entryKey);
    Lease mine = new Lease(token, now + millis);
    return leases.compute(key, (k, held) -> held == null || held.expiresAt() <= now ? mine : held)
        == mine;
  }

  @Override
  public void releaseLease(String entryKey, String token) {
    leases.computeIfPresent(
        KeyLayout.leaseKey(entryKey), (k, held) -> held.token().equals(token) ? null : held);
  }

  @Override
  public boolean exists(String entryKey) {
    return live(entryKey) != null || setExpiry(entryKey) != ABSENT;
  }

  @Override
  public void put(
      String entryKey, byte[] value, long ttlMillis, Collection<String> dependencyKeys) {
    if (ttlMillis < 0) {
      throw new IllegalArgumentException("ttlMillis must be >= 0, got " + ttlMillis);
    }
    writeLock.lock();
    try {
      long now = clockMillis.getAsLong();
      sweepIfDue(now);
      long expiresAt = ttlMillis == 0 ? NEVER : now + ttlMillis;
      entries.put(entryKey, new Entry(value, expiresAt));
      for (String dependencyKey : dependencyKeys) {
        DependencySet set = sets.get(dependencyKey);
        if (set == null || set.expiresAt <= now) {
          set = new DependencySet(expiresAt);
          sets.put(dependencyKey, set);
        } else {
          set.expiresAt = Math.max(set.expiresAt, expiresAt);
        }
        set.members.add(entryKey);
      }
    } finally {
      writeLock.unlock();
    }
  }

  @Override
  public long delete(Collection<String> entryKeys) {
    writeLock.lock();
    try {
      long now = clockMillis.getAsLong();
      fences.raise(entryKeys, now);
      long removed = 0;
      for (String key : entryKeys) {
        removed += removeEntry(key, now);
      }
      return removed;
    } finally {
      writeLock.unlock();
    }
  }

  @Override
  public long invalidate(Collection<String> dependencyKeys) {
    writeLock.lock();
    try {
      long now = clockMillis.getAsLong();
      fences.raise(dependencyKeys, now);
      long removed = 0;
      for (String dependencyKey : dependencyKeys) {
        DependencySet set = sets.remove(dependencyKey);
        if (set == null || set.expiresAt <= now) {
          continue;
        }
        for (String member : set.members) {
          removed += removeEntry(member, now);
        }
      }
      return removed;
    } finally {
      writeLock.unlock();
    }
  }

  @Override
  public long clear(String namespace) {
    writeLock.lock();
    try {
      long now = clockMillis.getAsLong();
      String entryPrefix = KeyLayout.entryKeysOf(namespace);
      long removed = 0;
      for (Iterator<Map.Entry<String, Entry>> it = entries.entrySet().iterator(); it.hasNext(); ) {
        Map.Entry<String, Entry> e = it.next();
        if (e.getKey().startsWith(namespace)) {
          it.remove();
          if (e.getKey().startsWith(entryPrefix) && e.getValue().expiresAt() > now) {
            removed++;
          }
        }
      }
      sets.keySet().removeIf(key -> key.startsWith(namespace));
      fences.clear(namespace);
      return removed;
    } finally {
      writeLock.unlock();
    }
  }

  @Override
  public long ttlMillis(String entryKey) {
    // Like PTTL, any key: a dependency set's too.
    long expiresAt;
    Entry entry = live(entryKey);
    if (entry != null) {
      expiresAt = entry.expiresAt();
    } else {
      expiresAt = setExpiry(entryKey);
      if (expiresAt == ABSENT) {
        return -2;
      }
    }
    return expiresAt == NEVER ? -1 : Math.max(0, expiresAt - clockMillis.getAsLong());
  }

  @Override
  public String describe() {
    return "memory";
  }

  @Override
  public void close() {
    writeLock.lock();
    try {
      entries.clear();
      sets.clear();
      fences.clear();
    } finally {
      writeLock.unlock();
    }
  }

  /** The entry, or {@code null} when absent or expired (an expired one is dropped). */
  private Entry live(String entryKey) {
    Entry entry = entries.get(entryKey);
    if (entry == null) {
      return null;
    }
    if (entry.expiresAt() <= clockMillis.getAsLong()) {
      // remove(key, value): a put that replaced it meanwhile stays.
      entries.remove(entryKey, entry);
      return null;
    }
    return entry;
  }

  /** When a live dependency set expires, or {@link #ABSENT}; under the lock, as puts change it. */
  private long setExpiry(String key) {
    writeLock.lock();
    try {
      DependencySet set = sets.get(key);
      return set == null || set.expiresAt <= clockMillis.getAsLong() ? ABSENT : set.expiresAt;
    } finally {
      writeLock.unlock();
    }
  }

  private int removeEntry(String key, long now) {
    Entry entry = entries.remove(key);
    return entry != null && entry.expiresAt() > now ? 1 : 0;
  }

  private void sweepIfDue(long now) {
    if (now < nextSweep) {
      return;
    }
    nextSweep = now + SWEEP_INTERVAL_MILLIS;
    entries.values().removeIf(entry -> entry.expiresAt() <= now);
    sets.values().removeIf(set -> set.expiresAt <= now);
    fences.sweep(now);
  }

  /** How many keys (entries and sets) are held, expired or not; for tests of the sweep. */
  int size() {
    return entries.size() + sets.size();
  }
}
