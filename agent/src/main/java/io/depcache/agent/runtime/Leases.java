package io.depcache.agent.runtime;

import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Across JVMs, one computation per key at a time ({@code depcache.lease.enabled}): the JVM whose
 * miss takes the lease computes; the others poll for its value for up to {@code
 * depcache.lease.wait-ms}, and compute for themselves if it does not come (the holder failed, was
 * fenced, or died: its lease expires after the same time).
 */
final class Leases {
  private static final String JVM = UUID.randomUUID().toString();
  private static final long FIRST_POLL_MILLIS = 2;
  private static final long MAX_POLL_MILLIS = 50;

  private final EntryIo entries;
  private final long waitMillis;
  private final AtomicLong tokens = new AtomicLong();

  Leases(EntryIo entries, long waitMillis) {
    this.entries = entries;
    this.waitMillis = waitMillis;
  }

  boolean enabled() {
    return waitMillis > 0;
  }

  /**
   * Takes the lease for the computation {@code frame} leads, or waits for the value of the JVM that
   * holds it.
   *
   * @return the other JVM's value, or {@code null} when this frame computes (holding the lease when
   *     it could take it)
   */
  Hit acquireOrAwait(Frame frame, Frame parent) {
    ManagerCore manager = frame.manager;
    String token = JVM + ":" + tokens.incrementAndGet();
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMillis);
    long pause = FIRST_POLL_MILLIS;
    while (true) {
      if (manager.tryLease(frame.key, token, waitMillis)) {
        frame.lead.leaseToken = token;
        return null;
      }
      if (System.nanoTime() - deadline > 0) {
        return null; // the holder is slow or gone: compute without the lease
      }
      try {
        Thread.sleep(pause);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      }
      pause = Math.min(MAX_POLL_MILLIS, pause * 2);
      Lookup found =
          entries.lookup(
              manager, frame.key, frame.method, frame.owner, frame.loader, parent, false);
      if (found instanceof Hit hit) {
        return hit;
      }
      frame.sequence = Lookup.fence(found);
      if (frame.sequence == Lookup.UNFENCED) {
        return null; // the store failed: nothing to wait for
      }
    }
  }

  /** Gives up the lease {@code frame} holds, if any. */
  void release(Frame frame) {
    if (frame.lead != null && frame.lead.leaseToken != null) {
      frame.manager.releaseLease(frame.key, frame.lead.leaseToken);
    }
  }
}
