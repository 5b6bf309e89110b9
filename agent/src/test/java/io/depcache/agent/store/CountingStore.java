package io.depcache.agent.store;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A store that counts the calls reaching it, so tests see which calls a decorator let through;
 * {@link #down} makes it fail like an unreachable Redis.
 */
final class CountingStore implements CacheStore {
  final CacheStore delegate;
  final AtomicInteger calls = new AtomicInteger();
  final AtomicInteger invalidations = new AtomicInteger();
  final AtomicInteger clears = new AtomicInteger();
  volatile boolean down;

  /** Fails every call as a JVM with no free connection would ({@link StoreException.Kind#BUSY}). */
  volatile boolean busy;

  /** While it is not counted down, invalidations wait for it (a retry caught in the middle). */
  volatile CountDownLatch invalidationsWait;

  CountingStore(CacheStore delegate) {
    this.delegate = delegate;
  }

  private <T> T count(Supplier<T> call) {
    calls.incrementAndGet();
    if (down) {
      throw new StoreException("test store is down");
    }
    if (busy) {
      throw new StoreException(StoreException.Kind.BUSY, "no free connection", null);
    }
    return call.get();
  }

  @Override
  public byte[] get(String entryKey) {
    return count(() -> delegate.get(entryKey));
  }

  @Override
  public Lookup lookup(String entryKey) {
    return count(() -> delegate.lookup(entryKey));
  }

  @Override
  public boolean putIfUnchangedSince(
      String entryKey,
      byte[] value,
      long ttlMillis,
      List<String> dependencyKeys,
      long sequence,
      long[] dependencySequences) {
    return count(
        () ->
            delegate.putIfUnchangedSince(
                entryKey, value, ttlMillis, dependencyKeys, sequence, dependencySequences));
  }

  @Override
  public boolean tryLease(String entryKey, String token, long millis) {
    return count(() -> delegate.tryLease(entryKey, token, millis));
  }

  @Override
  public void releaseLease(String entryKey, String token) {
    count(
        () -> {
          delegate.releaseLease(entryKey, token);
          return null;
        });
  }

  @Override
  public boolean exists(String entryKey) {
    return count(() -> delegate.exists(entryKey));
  }

  @Override
  public void put(
      String entryKey, byte[] value, long ttlMillis, Collection<String> dependencyKeys) {
    count(
        () -> {
          delegate.put(entryKey, value, ttlMillis, dependencyKeys);
          return null;
        });
  }

  @Override
  public long delete(Collection<String> entryKeys) {
    return count(() -> delegate.delete(entryKeys));
  }

  @Override
  public long invalidate(Collection<String> dependencyKeys) {
    invalidations.incrementAndGet();
    CountDownLatch wait = invalidationsWait;
    if (wait != null) {
      try {
        wait.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return count(() -> delegate.invalidate(dependencyKeys));
  }

  @Override
  public long clear(String namespace) {
    clears.incrementAndGet();
    return count(() -> delegate.clear(namespace));
  }

  @Override
  public long ttlMillis(String entryKey) {
    return count(() -> delegate.ttlMillis(entryKey));
  }

  @Override
  public String describe() {
    return "counting " + delegate.describe();
  }

  @Override
  public void close() {
    delegate.close();
  }
}
