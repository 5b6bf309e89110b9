package io.depcache.agent.runtime;

import io.depcache.agent.serial.EntryDependencies;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One computation per key per JVM: concurrent misses on a key wait for the first one and take its
 * result (value or exception) instead of computing it again.
 *
 * <p>A waiter never waits on itself (recursion on the same key), nor on a thread that waits,
 * directly or through others, for a key this thread computes (that would deadlock): it computes for
 * itself instead. A wait is bounded by {@code depcache.single-flight.wait-ms}; an interrupted
 * waiter stops waiting with its interrupt flag set and computes for itself.
 *
 * <p>Freshness: a waiter joins only while the first computation is still running, never once it has
 * started writing. A result whose write a fence refused (an invalidation happened during the
 * computation) is not handed to waiters: they compute for themselves.
 */
final class SingleFlight {
  private final Map<String, Flight> flights = new ConcurrentHashMap<>();
  private final Map<Thread, Flight> waiting = new ConcurrentHashMap<>();
  private final long waitMillis;

  SingleFlight(long waitMillis) {
    this.waitMillis = waitMillis;
  }

  /** The shared result of a computation. */
  record Outcome(Object value, Throwable exception, EntryDependencies dependencies) {}

  /** One running computation of a key. */
  static final class Flight {
    final Thread owner = Thread.currentThread();
    private boolean writing;
    private boolean done;
    private Outcome outcome;

    /** Closes the door to new waiters: from now on the result is being written. */
    synchronized void beginWrite() {
      writing = true;
    }

    synchronized boolean acceptsWaiters() {
      return !writing && !done;
    }

    synchronized void publish(Outcome result) {
      outcome = result;
      done = true;
      notifyAll();
    }

    /** The outcome, or {@code null} on timeout or when it may not be shared. */
    synchronized Outcome await(long millis) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
      while (!done) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return null;
        }
        TimeUnit.NANOSECONDS.timedWait(this, left);
      }
      return outcome;
    }
  }

  /**
   * Claims the computation of {@code key} for this thread.
   *
   * @return a new flight this thread leads, or {@code null} when another thread computes the key
   */
  Flight lead(String key) {
    Flight mine = new Flight();
    return flights.putIfAbsent(key, mine) == null ? mine : null;
  }

  /**
   * Waits for the computation of {@code key} by another thread.
   *
   * @return its outcome, or {@code null} when this thread must compute for itself
   */
  Outcome join(String key) {
    Flight other = flights.get(key);
    if (other == null || !other.acceptsWaiters() || wouldDeadlock(other)) {
      return null;
    }
    Thread me = Thread.currentThread();
    waiting.put(me, other);
    try {
      return other.await(waitMillis);
    } catch (InterruptedException e) {
      me.interrupt();
      return null;
    } finally {
      waiting.remove(me);
    }
  }

  /** Ends a flight: no new waiters join it, and those that waited get {@code outcome}. */
  void land(String key, Flight flight, Outcome outcome) {
    flights.remove(key, flight);
    flight.publish(outcome);
  }

  private boolean wouldDeadlock(Flight target) {
    Thread me = Thread.currentThread();
    Flight next = target;
    // Bounded: the chain of waits is short, and a racing change only costs a bounded wait.
    for (int hops = 0; next != null && hops < 64; hops++) {
      if (next.owner == me) {
        return true;
      }
      next = waiting.get(next.owner);
    }
    return false;
  }
}
