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
   * Takes the lease for {@code frame}, or waits for the value of the JVM that holds it.
   *
   * @return the other JVM's value, or {@code null} when this frame computes (holding the lease when
   *     it could take it)
   */
  Hit acquireOrAwait(Frame frame, Class<?> owner, Frame parent) {
    ManagerRuntime manager = frame.manager;
    String entryKey = frame.flightKey;
    String token = JVM + ":" + tokens.incrementAndGet();
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMillis);
    long pause = FIRST_POLL_MILLIS;
    while (true) {
      if (take(manager, frame.key, entryKey, token)) {
        frame.leaseToken = token;
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
          entries.lookup(manager, frame.key, frame.method, owner, frame.loader, parent, false);
      if (found instanceof Hit hit) {
        return hit;
      }
      frame.sequence = Lookup.fence(found);
      if (frame.sequence == EntryIo.UNFENCED) {
        return null; // the store failed: nothing to wait for
      }
    }
  }

  private boolean take(ManagerRuntime manager, String key, String entryKey, String token) {
    // A store failure counts as taken: waiting on a store that does not answer helps nobody.
    return manager.guard(
        "lease", key, () -> manager.store.tryLease(entryKey, token, waitMillis), true);
  }

  void release(Frame frame) {
    ManagerRuntime manager = frame.manager;
    manager.guard(
        "lease",
        frame.key,
        () -> {
          manager.store.releaseLease(frame.flightKey, frame.leaseToken);
          return null;
        },
        null);
  }
}
