package io.depcache.agent.store;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides whether a store call may go to the network: closed, every call goes; open, calls fail
 * fast until a back-off has passed, then one call probes and its success closes the circuit.
 *
 * <p>The back-off starts at the initial value and doubles with every failed probe up to the
 * maximum. While {@code holdOpen} says so (invalidations are still waiting to be retried), no call
 * probes: only the retry thread may close the circuit, after it applied them, so that no stale
 * entry is read between Redis' return and the retried invalidation.
 */
final class CircuitBreaker {
  private static final Logger LOG = LoggerFactory.getLogger("depcache");

  /** What a call may do. */
  enum Permit {
    /** The circuit is closed. */
    PASS,
    /** The circuit is open and this call is the one probe. */
    PROBE,
    /** The circuit is open: fail fast. */
    REJECT
  }

  private final String storeName;
  private final long initialBackoffNanos;
  private final long maxBackoffNanos;
  private final LongSupplier clockNanos;
  private final BooleanSupplier holdOpen;

  // Read without the lock on the hot path; written only under it.
  private volatile boolean open;
  private long backoffNanos;
  private long openUntil;
  private boolean probing;

  /** Whether the warning that says why the store is unavailable was logged since it opened. */
  private boolean explained;

  CircuitBreaker(
      String storeName,
      long initialBackoffMillis,
      long maxBackoffMillis,
      LongSupplier clockNanos,
      BooleanSupplier holdOpen) {
    this.storeName = storeName;
    this.initialBackoffNanos = TimeUnit.MILLISECONDS.toNanos(initialBackoffMillis);
    this.maxBackoffNanos = TimeUnit.MILLISECONDS.toNanos(maxBackoffMillis);
    this.clockNanos = clockNanos;
    this.holdOpen = holdOpen;
  }

  boolean isOpen() {
    return open;
  }

  Permit acquire() {
    if (!open) {
      return Permit.PASS;
    }
    synchronized (this) {
      if (!open) {
        return Permit.PASS;
      }
      if (probing || clockNanos.getAsLong() - openUntil < 0 || holdOpen.getAsBoolean()) {
        return Permit.REJECT;
      }
      probing = true;
      return Permit.PROBE;
    }
  }

  /** The call with this permit reached the store and it answered. */
  void succeeded(Permit permit) {
    if (permit == Permit.PROBE) {
      synchronized (this) {
        probing = false;
        closeUnlessHeld();
      }
    }
  }

  /** The call with this permit failed for a reason unrelated to the store (a bad argument). */
  void released(Permit permit) {
    if (permit == Permit.PROBE) {
      synchronized (this) {
        probing = false;
      }
    }
  }

  /** The call with this permit (or the retry thread, with {@code PROBE}) found the store faulty. */
  synchronized void failed(Permit permit, StoreException cause) {
    if (!open || !explained) {
      // Opened now, or opened for work found waiting without a reason to give until now.
      open = true;
      explained = true;
      if (permit == Permit.PROBE) {
        probing = false;
      }
      backoffNanos = initialBackoffNanos;
      openUntil = clockNanos.getAsLong() + backoffNanos;
      LOG.warn(
          "depcache: store {} unavailable, bypassing it and retrying every {} ms or so: {}",
          storeName,
          TimeUnit.NANOSECONDS.toMillis(backoffNanos),
          cause.getMessage());
    } else if (permit == Permit.PROBE) {
      probing = false;
      backoffNanos = Math.min(backoffNanos * 2, maxBackoffNanos);
      openUntil = clockNanos.getAsLong() + backoffNanos;
      LOG.debug("depcache: store {} still unavailable: {}", storeName, cause.getMessage());
    }
    // Otherwise a call that started before the circuit opened: the back-off already runs.
  }

  /**
   * Opens the circuit at once, for work found waiting; it closes once the retry thread applied it.
   */
  synchronized void openForPendingWork() {
    if (!open) {
      open = true;
      explained = false;
      backoffNanos = initialBackoffNanos;
      openUntil = clockNanos.getAsLong();
    }
  }

  /** The retry thread applied every pending operation: the store is back. */
  synchronized void retrySucceeded() {
    closeUnlessHeld();
  }

  /** Nanoseconds until a probe is due; {@code 0} when due now or closed. */
  synchronized long nanosUntilProbe() {
    return open ? Math.max(0, openUntil - clockNanos.getAsLong()) : 0;
  }

  private void closeUnlessHeld() {
    if (open && !holdOpen.getAsBoolean()) {
      open = false;
      LOG.info("depcache: store {} available again, caching resumed", storeName);
    }
  }
}
