package io.depcache.agent.runtime;

import io.depcache.agent.serial.EntryDependencies;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One computation per key per JVM: concurrent misses on a key wait for the first one and take its
 * result (value or exception) instead of computing it again.
 *
 * <p>A waiter never waits on itself (recursion on the same key), nor on a thread that waits,
 * directly or through others, for a key this thread computes (that would deadlock): it computes for
 * itself instead. A wait is bounded by {@code depcache.single-flight.wait-ms}; an interrupted
 * waiter stops waiting with its interrupt flag set and computes for itself.
 *
 * <p>Freshness: a waiter joins while the first computation is still running; once it has started
 * writing, only a waiter whose lookup saw the same invalidation sequence as the computation's (no
 * invalidation came between them, so none between the write and the waiter's start). A result whose
 * write a fence refused (an invalidation happened during the computation) is not handed to waiters:
 * they compute for themselves.
 *
 * <p>An asynchronous computation (a method that returns a future) has waiters that do not wait:
 * each gets a future of its own that completes with the outcome. Such a waiter cannot compute for
 * itself once it joined, so it joins only a computation whose lookup saw the same invalidation
 * sequence as its own: an invalidation that then refuses the computation's write came after the
 * waiter's lookup, so after its call began, and the outcome is one the waiter may return. A
 * computation running for longer than {@code depcache.single-flight.wait-ms} takes no more waiters.
 *
 * <p>Waiting parks the thread ({@link CompletableFuture#get}): it holds no monitor, so a virtual
 * thread that waits leaves its carrier free.
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

    /** The invalidation sequence the leader's lookup saw; asynchronous waiters must match it. */
    final long sequence;

    final boolean async;
    final long startedNanos = System.nanoTime();

    /** The leader's call returned while its write goes on: its thread computes nothing now. */
    volatile boolean ownerReturned;

    private volatile boolean writing;
    private final CompletableFuture<Outcome> landed = new CompletableFuture<>();

    Flight(long sequence, boolean async) {
      this.sequence = sequence;
      this.async = async;
    }

    /** Closes the door to new waiters: from now on the result is being written. */
    void beginWrite() {
      writing = true;
    }

    /** Whether a waiter whose lookup saw {@code sequence} may join. */
    boolean acceptsWaiters(long sequence) {
      return !landed.isDone()
          && (!writing || (sequence != Lookup.UNFENCED && sequence == this.sequence));
    }

    void publish(Outcome result) {
      landed.complete(result);
    }

    /** The outcome, or {@code null} on timeout or when it may not be shared. */
    Outcome await(long millis) throws InterruptedException {
      try {
        return landed.get(millis, TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        return null;
      } catch (ExecutionException e) {
        throw new IllegalStateException(e.getCause()); // never completed exceptionally
      }
    }
  }

  /**
   * Claims the computation of {@code key} for this thread, whose lookup saw {@code sequence}.
   *
   * @return a new flight this thread leads, or {@code null} when another thread computes the key
   */
  Flight lead(String key, long sequence) {
    return lead(key, new Flight(sequence, false));
  }

  /**
   * Claims the asynchronous computation of {@code key}, whose lookup saw {@code sequence}.
   *
   * @return a new flight, or {@code null} when another computation of the key is running
   */
  Flight leadAsync(String key, long sequence) {
    return lead(key, new Flight(sequence, true));
  }

  private Flight lead(String key, Flight mine) {
    return flights.putIfAbsent(key, mine) == null ? mine : null;
  }

  /**
   * Joins the asynchronous computation of {@code key} without waiting.
   *
   * @param sequence the invalidation sequence of the joiner's own lookup
   * @return what completes with its outcome (never exceptionally), or {@code null} when the joiner
   *     must compute for itself
   */
  CompletableFuture<Outcome> joinAsync(String key, long sequence) {
    Flight other = flights.get(key);
    if (other == null
        || !other.async
        || sequence == Lookup.UNFENCED
        || other.sequence != sequence
        || !other.acceptsWaiters(sequence)
        // a computation that takes longer than a wait may take gets no more waiters
        || System.nanoTime() - other.startedNanos > TimeUnit.MILLISECONDS.toNanos(waitMillis)) {
      return null;
    }
    return other.landed;
  }

  /**
   * Waits for the computation of {@code key} by another thread.
   *
   * @param sequence the invalidation sequence of the waiter's own lookup
   * @return its outcome, or {@code null} when this thread must compute for itself
   */
  Outcome join(String key, long sequence) {
    Flight other = flights.get(key);
    if (other == null || other.async || !other.acceptsWaiters(sequence) || wouldDeadlock(other)) {
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
      if (next.owner == me && !next.ownerReturned) {
        return true;
      }
      next = waiting.get(next.owner);
    }
    return false;
  }
}
