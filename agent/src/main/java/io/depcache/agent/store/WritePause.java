package io.depcache.agent.store;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes to a store that refuses them (out of memory, a read-only replica) pause for a back-off
 * that doubles while they are refused, so that every miss does not pay a refused round trip; reads
 * are not affected. The first write after the pause tries again.
 */
final class WritePause {
  private static final Logger LOG = LoggerFactory.getLogger("depcache");

  private final String storeName;
  private final long initialNanos;
  private final long maxNanos;
  private final LongSupplier clockNanos;
  private volatile long pausedUntil;
  private volatile boolean paused;
  private long backoffNanos;

  WritePause(String storeName, long initialMillis, long maxMillis, LongSupplier clockNanos) {
    this.storeName = storeName;
    this.initialNanos = TimeUnit.MILLISECONDS.toNanos(initialMillis);
    this.maxNanos = TimeUnit.MILLISECONDS.toNanos(maxMillis);
    this.clockNanos = clockNanos;
  }

  /** Throws while writes pause. */
  void check(String operation) {
    if (paused && clockNanos.getAsLong() - pausedUntil < 0) {
      throw new StoreException(
          StoreException.Kind.WRITES_REFUSED,
          "depcache " + operation + " on " + storeName + " skipped: the store refuses writes",
          null);
    }
  }

  synchronized void refused(StoreException cause) {
    backoffNanos = paused ? Math.min(backoffNanos * 2, maxNanos) : initialNanos;
    pausedUntil = clockNanos.getAsLong() + backoffNanos;
    if (!paused) {
      paused = true;
      LOG.warn(
          "depcache: store {} refuses writes ({}); reads go on, writes pause and are tried again",
          storeName,
          cause.getMessage());
    }
  }

  void succeeded() {
    if (paused) {
      synchronized (this) {
        if (paused) {
          paused = false;
          LOG.info("depcache: store {} accepts writes again", storeName);
        }
      }
    }
  }
}
