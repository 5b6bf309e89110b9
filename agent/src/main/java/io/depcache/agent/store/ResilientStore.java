package io.depcache.agent.store;

import io.depcache.agent.config.ManagerConfig;
import io.depcache.agent.store.CircuitBreaker.Permit;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link CacheStore} that wraps another so that a store outage costs almost nothing (DESIGN.md,
 * "Fail-open").
 *
 * <p>After a {@link StoreException}, a circuit breaker makes every call fail fast with a {@code
 * StoreException} and no network for a back-off (100 ms, doubling up to 250 ms); then one call
 * probes, and its success resumes normal work. Failed (or refused) invalidations, deletes and
 * clears are remembered and retried by one daemon thread, {@code depcache-retry}, until they
 * succeed; the circuit stays open until they did, so no stale entry is read in between. The failed
 * call still throws: its caller decides whether to bypass the cache or fail.
 *
 * <p>Only an unavailable store opens the circuit (unreachable, timed out, busy): a command that the
 * store answers with an error fails alone. A store that refuses writes (out of memory, a read-only
 * replica) keeps serving reads while writes pause with the same back-off ({@link WritePause}). An
 * invalidation, delete or clear that fails for any reason opens the circuit, since until it is
 * applied a read could return what it should have removed.
 */
public final class ResilientStore implements CacheStore {
  private static final Logger LOG = LoggerFactory.getLogger("depcache");
  static final int MAX_PENDING_KEYS = 100_000;
  private static final long INITIAL_BACKOFF_MILLIS = 100;

  /**
   * At most this long between probes: a waiting invalidation is applied, and caching resumes,
   * within about this long (plus the probe itself) of the store answering again.
   */
  private static final long MAX_BACKOFF_MILLIS = 250;

  private final CacheStore delegate;
  private final PendingWork pending;
  private final CircuitBreaker breaker;
  private final WritePause writes;

  /** The delegate's lookup, made once: a lookup allocates no lambda. */
  private final Function<String, Lookup> lookup;

  private final Function<byte[], Lookup> lookupUtf8;

  private final Spool spool;
  private final Object spoolLock = new Object();
  private final Object retryLock = new Object();
  private Thread retryThread;
  private volatile boolean closed;

  /**
   * Wraps a store with the default back-off (100 to 250 ms) and pending bound (100,000 keys).
   *
   * @param delegate the store to protect
   * @param overflowNamespace the namespace to clear when more invalidations wait than the bound (it
   *     must cover every key this store sees, e.g. {@code "depcache:"}); {@code null}: drop the
   *     oldest with a warning
   */
  public ResilientStore(CacheStore delegate, String overflowNamespace) {
    this(
        delegate,
        overflowNamespace,
        INITIAL_BACKOFF_MILLIS,
        MAX_BACKOFF_MILLIS,
        MAX_PENDING_KEYS,
        System::nanoTime,
        null);
  }

  /**
   * Wraps a store as {@link #ResilientStore(CacheStore, String)} does, with the invalidations that
   * wait for it also written to a spool on local disk: they outlive this JVM, and the next agent of
   * the same store on this machine applies them before it serves a hit.
   *
   * @param spoolDir the spool directory ({@code depcache.spool-dir})
   * @param storeIdentity what makes two stores the same one (URL and prefix)
   */
  public ResilientStore(
      CacheStore delegate, String overflowNamespace, Path spoolDir, String storeIdentity) {
    this(
        delegate,
        overflowNamespace,
        INITIAL_BACKOFF_MILLIS,
        MAX_BACKOFF_MILLIS,
        MAX_PENDING_KEYS,
        System::nanoTime,
        Spool.open(spoolDir, storeIdentity));
  }

  ResilientStore(
      CacheStore delegate,
      String overflowNamespace,
      long initialBackoffMillis,
      long maxBackoffMillis,
      int maxPendingKeys,
      LongSupplier clockNanos,
      Spool spool) {
    this.delegate = delegate;
    this.lookup = delegate::lookup;
    this.lookupUtf8 = delegate::lookup;
    this.pending = new PendingWork(maxPendingKeys, overflowNamespace);
    this.breaker =
        new CircuitBreaker(
            delegate.describe(),
            initialBackoffMillis,
            maxBackoffMillis,
            clockNanos,
            pending::hasWork);
    this.writes =
        new WritePause(delegate.describe(), initialBackoffMillis, maxBackoffMillis, clockNanos);
    this.spool = spool;
    if (spool != null && !spool.adopted().isEmpty()) {
      for (Spool.Record record : spool.adopted()) {
        switch (record.type()) {
          case Spool.INVALIDATE -> pending.addInvalidations(record.keys());
          case Spool.DELETE -> pending.addDeletes(record.keys());
          default -> record.keys().forEach(pending::addClear);
        }
      }
      // No hit before they are applied: one of them may remove it.
      breaker.openForPendingWork();
      startRetries();
    }
  }

  @Override
  public byte[] get(String entryKey) {
    return guard("get", Role.READ, () -> delegate.get(entryKey));
  }

  @Override
  public Lookup lookup(String entryKey) {
    return guard("get", Role.READ, lookup, entryKey);
  }

  @Override
  public Lookup lookup(byte[] entryKey) {
    return guard("get", Role.READ, lookupUtf8, entryKey);
  }

  @Override
  public boolean putIfUnchangedSince(
      String entryKey,
      byte[] value,
      long ttlMillis,
      List<String> dependencyKeys,
      long sequence,
      long[] dependencySequences) {
    return guard(
        "put",
        Role.WRITE,
        () ->
            delegate.putIfUnchangedSince(
                entryKey, value, ttlMillis, dependencyKeys, sequence, dependencySequences));
  }

  @Override
  public boolean tryLease(String entryKey, String token, long millis) {
    return guard("lease", Role.WRITE, () -> delegate.tryLease(entryKey, token, millis));
  }

  @Override
  public void releaseLease(String entryKey, String token) {
    guard(
        "lease",
        Role.READ, // a release frees memory, so it goes on while writes are refused
        () -> {
          delegate.releaseLease(entryKey, token);
          return null;
        });
  }

  @Override
  public boolean exists(String entryKey) {
    return guard("exists", Role.READ, () -> delegate.exists(entryKey));
  }

  @Override
  public void put(
      String entryKey, byte[] value, long ttlMillis, Collection<String> dependencyKeys) {
    guard(
        "put",
        Role.WRITE,
        () -> {
          delegate.put(entryKey, value, ttlMillis, dependencyKeys);
          return null;
        });
  }

  @Override
  public long delete(Collection<String> entryKeys) {
    try {
      return guard("delete", Role.INVALIDATE, () -> delegate.delete(entryKeys));
    } catch (StoreException e) {
      remember(Spool.DELETE, entryKeys, () -> pending.addDeletes(List.copyOf(entryKeys)));
      throw e;
    }
  }

  @Override
  public long invalidate(Collection<String> dependencyKeys) {
    return invalidate(dependencyKeys, null);
  }

  @Override
  public long invalidate(Collection<String> dependencyKeys, FollowUp followUp) {
    try {
      return guard(
          "invalidate", Role.INVALIDATE, () -> delegate.invalidate(dependencyKeys, followUp));
    } catch (StoreException e) {
      remember(
          Spool.INVALIDATE,
          dependencyKeys,
          () -> pending.addInvalidations(List.copyOf(dependencyKeys)));
      throw e;
    }
  }

  @Override
  public long clear(String namespace) {
    try {
      return guard("clear", Role.INVALIDATE, () -> delegate.clear(namespace));
    } catch (StoreException e) {
      remember(Spool.CLEAR, List.of(namespace), () -> pending.addClear(namespace));
      throw e;
    }
  }

  @Override
  public long ttlMillis(String entryKey) {
    return guard("ttl", Role.READ, () -> delegate.ttlMillis(entryKey));
  }

  @Override
  public String describe() {
    return delegate.describe();
  }

  /**
   * Stops the retry thread, tries once more to apply what waits, and closes the store. What still
   * waits then stays in the spool for the next agent (or is lost, with a warning, without one).
   */
  @Override
  public void close() {
    closed = true;
    synchronized (retryLock) {
      if (retryThread != null) {
        retryThread.interrupt();
      }
    }
    if (pending.hasWork()) {
      try {
        pending.applyTo(delegate);
      } catch (RuntimeException e) {
        // the store is still away: the spool keeps them
      }
    }
    int left = pending.size();
    synchronized (spoolLock) {
      if (spool != null) {
        if (left == 0) {
          spool.applied();
        }
        spool.close();
      }
    }
    if (left > 0) {
      LOG.warn(
          "depcache: closing store {} with {} invalidations, deletes or clears not applied; {}",
          describe(),
          left,
          spool != null
              ? "they stay in the spool, and the next agent of this store applies them"
              : "their entries may stay until their ttl");
    }
    delegate.close();
  }

  @Override
  public long failoverReplays() {
    return delegate.failoverReplays();
  }

  @Override
  public NearChannel openNearChannel(ManagerConfig settings) {
    return delegate.openNearChannel(settings);
  }

  /**
   * How many invalidations, deletes and clears wait for the store ({@code PendingInvalidations}).
   */
  @Override
  public long pendingInvalidations() {
    return pending.size();
  }

  @Override
  public boolean available() {
    return !breaker.isOpen();
  }

  /** Whether calls currently fail fast. */
  boolean isCircuitOpen() {
    return breaker.isOpen();
  }

  /** What an operation does to the store, which decides what its failure means. */
  private enum Role {
    READ,
    WRITE,
    /** An invalidation, delete or clear: until it is applied, reads may be stale. */
    INVALIDATE
  }

  private <T> T guard(String operation, Role role, Supplier<T> call) {
    return guard(operation, role, Supplier::get, call);
  }

  /** As {@link #guard(String, Role, Supplier)}, for a call that takes its argument: no capture. */
  private <A, T> T guard(String operation, Role role, Function<A, T> call, A argument) {
    if (role == Role.WRITE) {
      writes.check(operation);
    }
    Permit permit = breaker.acquire();
    if (permit == Permit.REJECT) {
      throw new StoreException(
          "depcache " + operation + " on " + describe() + " refused: circuit open after a failure");
    }
    boolean answered = false;
    try {
      T result = call.apply(argument);
      answered = true;
      breaker.succeeded(permit);
      if (role == Role.WRITE) {
        writes.succeeded();
      }
      return result;
    } catch (StoreException e) {
      if (e.kind() == StoreException.Kind.BUSY && role != Role.INVALIDATE) {
        throw e; // this JVM's congestion: the permit goes back, neither success nor failure
      }
      answered = true;
      if (e.kind() == StoreException.Kind.UNAVAILABLE || role == Role.INVALIDATE) {
        // An outage; or an invalidation that did not happen, which no read may outrun.
        breaker.failed(permit, e);
      } else {
        // The store answered: this command failed, the others go on.
        breaker.succeeded(permit);
        if (e.kind() == StoreException.Kind.WRITES_REFUSED && role == Role.WRITE) {
          writes.refused(e);
        }
      }
      throw e;
    } finally {
      if (!answered) {
        breaker.released(permit);
      }
    }
  }

  private void remember(byte type, Collection<String> keys, Runnable record) {
    if (closed) {
      return;
    }
    boolean first;
    synchronized (spoolLock) {
      first = !pending.hasWork();
      record.run();
      if (spool != null) {
        spool.append(type, keys);
      }
    }
    if (first) {
      LOG.warn(
          "depcache: invalidations, deletes or clears wait for store {} ({} now); they are retried"
              + " until it answers, and no hit is served before{}",
          describe(),
          pending.size(),
          spool != null ? "; written to the spool too" : "");
    }
    startRetries();
  }

  private void startRetries() {
    synchronized (retryLock) {
      if (retryThread == null) {
        retryThread = AgentThreads.daemon(this::retryLoop, "depcache-retry");
        retryThread.start();
      }
    }
  }

  private void retryLoop() {
    while (!closed) {
      try {
        pending.awaitWork();
        long wait = breaker.nanosUntilProbe();
        if (wait > 0) {
          TimeUnit.NANOSECONDS.sleep(wait);
          continue;
        }
        int applying = pending.size();
        pending.applyTo(delegate);
        LOG.info("depcache: {} waiting invalidations applied to store {}", applying, describe());
        synchronized (spoolLock) {
          if (spool != null && !pending.hasWork()) {
            spool.applied();
          }
        }
        breaker.retrySucceeded();
      } catch (InterruptedException e) {
        return;
      } catch (StoreException e) {
        breaker.failed(Permit.PROBE, e);
      } catch (RuntimeException e) {
        // Never let the thread die: what waits would never be applied.
        LOG.warn("depcache: retrying invalidations on {} failed: {}", describe(), e.toString());
        breaker.failed(Permit.PROBE, new StoreException(e.toString(), e));
      }
    }
  }
}
