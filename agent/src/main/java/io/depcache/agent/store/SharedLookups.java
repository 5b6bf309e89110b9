package io.depcache.agent.store;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Lookups that wait at the same moment share round trips: one {@code MGET} of their entries and the
 * sequence, which Redis answers at one instant, so each lookup still reads its entry and the
 * sequence together.
 *
 * <p>At most {@link #SENDERS} round trips are in flight (by the processors, up to eight). A lookup
 * that finds one free sends at once, with whatever waits in the queue (so a lone call pays
 * nothing); one that finds none queues, yields its core a few times ({@link #YIELDS}) and then
 * parks. When a round trip returns, its sender hands its place to the oldest waiter, which sends
 * for itself and everything queued behind it. A queued lookup is always sent after it was queued:
 * none takes the answer of a round trip that began before its call did (which an invalidation that
 * returned in between could have made stale). A waiter gives up after the timeout, as a call that
 * found no free connection ({@link StoreException.Kind#BUSY}).
 */
final class SharedLookups {
  /**
   * Round trips in flight at once: half the processors, at least one and at most eight. When the
   * CPU is the limit, a round trip beyond what the processors serve adds system calls and context
   * switches (the client's and Redis') and no throughput, while lookups waiting for a turn share
   * the next one; a lone lookup always finds a turn free.
   */
  static final int SENDERS =
      Math.max(1, Math.min(8, Runtime.getRuntime().availableProcessors() / 2));

  /**
   * How many times a queued lookup gives up its core, while its answer has not come, before it
   * parks. When there are more threads than cores, each yield lets another thread run (one whose
   * answer came, or the sender reading its reply), and a lookup still runnable when its answer
   * comes takes it without the futex wake and the cross-core interrupt of an unpark, and without
   * the sender paying them for every lookup of its round trip: those were most of a hit's cost with
   * 64 threads on two cores (docs/benchmarks.md, "Shared round trips without a wake-up per hit").
   * When the cores are idle a yield returns at once, and the bound keeps that spin to a few
   * microseconds before the lookup parks as before.
   */
  static final int YIELDS = 8;

  /**
   * A yield that took longer than this gave the core to a thread that kept it for its time slice (a
   * thread of the application busy computing, not one waiting for Redis). A parked thread that is
   * woken takes the core back from such a thread at once; one that yielded waits for the slice to
   * end. So a lookup whose yield was slow parks at once, and while slow yields are frequent ({@link
   * #SLOW_SHARE_LIMIT}) queued lookups park without yielding.
   */
  static final long SLOW_YIELD_NANOS = 1_000_000;

  /**
   * The share of slow yields, in 1/1024ths of a moving average over about the last 8 yields, from
   * which queued lookups park at once: 1/4. With only lookups running (64 threads on two cores), a
   * few waits in a hundred meet a yield of over a millisecond, in bursts (a collection, a
   * compilation, Redis taking the core); with two threads busy computing beside them, about every
   * other yield is that slow.
   */
  static final int SLOW_SHARE_LIMIT = 256;

  /**
   * While queued lookups park at once, one in this many still yields once, so that the average
   * follows when the busy threads are gone.
   */
  static final int PROBE_EVERY = 128;

  /** Lookups in one round trip. */
  static final int MAX_BATCH = 64;

  /** What a waiter receives when it is its turn to send. */
  private static final Object SEND = new Object();

  private final Function<byte[][], List<byte[]>> mget;
  private final Function<byte[], List<byte[]>> mgetOne;
  private final byte[] sequenceKey;
  private final long waitNanos;
  private final AtomicInteger senders = new AtomicInteger();

  /**
   * The moving share of slow yields ({@link #SLOW_YIELD_NANOS}), in 1/1024ths. Updated by the
   * waiting threads without a lock: an update lost to another is one sample fewer.
   */
  private volatile int slowYields;

  /** Lookups that parked without yielding, counted without a lock, for {@link #PROBE_EVERY}. */
  private int parkedAtOnce;

  private final ConcurrentLinkedQueue<Waiting> queue = new ConcurrentLinkedQueue<>();

  /**
   * @param mget reads the keys it is given in one command ({@code MGET}), in order
   * @param sequenceKey the store's sequence, read with every round trip
   * @param timeoutMs how long a lookup may wait for its turn
   */
  SharedLookups(Function<byte[][], List<byte[]>> mget, byte[] sequenceKey, long timeoutMs) {
    this(mget, key -> mget.apply(new byte[][] {key, sequenceKey}), sequenceKey, timeoutMs);
  }

  /**
   * @param mget reads the keys it is given in one command ({@code MGET}), in order
   * @param mgetOne reads one entry key and the sequence, as {@code mget} would: what a lookup that
   *     finds nobody waiting sends, without an array of keys
   * @param sequenceKey the store's sequence, read with every round trip
   * @param timeoutMs how long a lookup may wait for its turn
   */
  SharedLookups(
      Function<byte[][], List<byte[]>> mget,
      Function<byte[], List<byte[]>> mgetOne,
      byte[] sequenceKey,
      long timeoutMs) {
    this.mget = mget;
    this.mgetOne = mgetOne;
    this.sequenceKey = sequenceKey;
    this.waitNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMs);
  }

  /** One lookup waiting for a round trip: its outcome, or {@link #SEND}. */
  private static final class Waiting {
    final byte[] key;
    final CompletableFuture<Object> outcome = new CompletableFuture<>();

    Waiting(byte[] key) {
      this.key = key;
    }
  }

  /** Reads one entry and the sequence, at one instant. */
  CacheStore.Lookup lookup(byte[] entryKey) {
    if (takeTurn()) {
      return send(entryKey);
    }
    Waiting mine = new Waiting(entryKey);
    queue.add(mine);
    if (takeTurn()) {
      passTurn(); // every sender may have left after this lookup found none free
    }
    yieldWhileWaiting(mine);
    Object outcome;
    try {
      outcome = mine.outcome.get(waitNanos, TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      if (mine.outcome.completeExceptionally(e)) {
        throw new StoreException(
            StoreException.Kind.BUSY,
            "Redis lookup not sent: waited "
                + TimeUnit.NANOSECONDS.toMillis(waitNanos)
                + " ms for a round trip (this JVM has more lookups waiting than it sends)",
            null);
      }
      outcome = mine.outcome.join(); // its turn or its answer came just now
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      if (mine.outcome.completeExceptionally(e)) {
        throw new StoreException(StoreException.Kind.BUSY, "Redis lookup interrupted", e);
      }
      outcome = mine.outcome.join();
    } catch (ExecutionException e) {
      throw e.getCause() instanceof StoreException failure
          ? failure
          : new StoreException("Redis lookup failed: " + e.getCause(), e.getCause());
    }
    if (outcome == SEND) {
      return send(mine.key);
    }
    return (CacheStore.Lookup) outcome;
  }

  /**
   * Gives up the core up to {@link #YIELDS} times while the lookup's answer has not come, unless
   * yields have lately been slow; stops at the first slow one.
   */
  private void yieldWhileWaiting(Waiting mine) {
    if (slowYields >= SLOW_SHARE_LIMIT && ++parkedAtOnce % PROBE_EVERY != 0) {
      return;
    }
    for (int i = 0; i < YIELDS && !mine.outcome.isDone(); i++) {
      long start = System.nanoTime();
      Thread.yield();
      boolean slow = System.nanoTime() - start > SLOW_YIELD_NANOS;
      int share = slowYields;
      slowYields = share + (slow ? (1024 - share) >> 3 : -(share >> 3));
      if (slow) {
        return;
      }
    }
  }

  private boolean takeTurn() {
    for (int n; (n = senders.get()) < SENDERS; ) {
      if (senders.compareAndSet(n, n + 1)) {
        return true;
      }
    }
    return false;
  }

  /** Sends {@code entryKey} with what waits behind it, holding a turn, then passes the turn on. */
  private CacheStore.Lookup send(byte[] entryKey) {
    List<Waiting> batch = List.of(); // a lone lookup allocates no list
    try {
      for (Waiting next; batch.size() < MAX_BATCH - 1 && (next = queue.poll()) != null; ) {
        if (!next.outcome.isDone()) {
          if (batch.isEmpty()) {
            batch = new ArrayList<>();
          }
          batch.add(next);
        }
      }
      if (batch.isEmpty()) {
        List<byte[]> values = mgetOne.apply(entryKey);
        return new CacheStore.Lookup(values.get(0), RedisStore.sequenceOf(values.get(1)));
      }
      int[] slots = new int[batch.size()];
      List<byte[]> values;
      try {
        values = mget.apply(keys(entryKey, batch, slots));
      } catch (RuntimeException e) {
        for (Waiting other : batch) {
          other.outcome.completeExceptionally(e);
        }
        throw e;
      }
      long sequence = RedisStore.sequenceOf(values.get(values.size() - 1));
      for (int i = 0; i < batch.size(); i++) {
        batch.get(i).outcome.complete(new CacheStore.Lookup(values.get(slots[i]), sequence));
      }
      return new CacheStore.Lookup(values.get(0), sequence);
    } finally {
      passTurn();
    }
  }

  /**
   * The keys of one round trip: {@code entryKey}, each other key of the batch once, the sequence
   * last. A hot entry that many threads look up at the same moment is read once: {@code slots[i]}
   * receives the index of {@code batch.get(i)}'s key. The lookups of one key then share its bytes,
   * which nothing that reads a lookup writes to.
   */
  private byte[][] keys(byte[] entryKey, List<Waiting> batch, int[] slots) {
    byte[][] keys = new byte[batch.size() + 2][];
    int[] hashes = new int[batch.size() + 1];
    keys[0] = entryKey;
    hashes[0] = Arrays.hashCode(entryKey);
    int distinct = 1;
    for (int i = 0; i < batch.size(); i++) {
      byte[] key = batch.get(i).key;
      int hash = Arrays.hashCode(key);
      int slot = 0;
      while (slot < distinct && (hashes[slot] != hash || !Arrays.equals(keys[slot], key))) {
        slot++;
      }
      if (slot == distinct) {
        keys[distinct] = key;
        hashes[distinct++] = hash;
      }
      slots[i] = slot;
    }
    keys[distinct++] = sequenceKey;
    return distinct == keys.length ? keys : Arrays.copyOf(keys, distinct);
  }

  /** Gives the held turn to the oldest waiter, or back when none waits. */
  private void passTurn() {
    while (true) {
      Waiting next = queue.poll();
      if (next != null) {
        if (next.outcome.complete(SEND)) {
          return;
        }
        continue; // it gave up waiting
      }
      senders.decrementAndGet();
      // A lookup queued after the poll above and found every turn taken: take one back for it.
      if (queue.isEmpty() || !takeTurn()) {
        return;
      }
    }
  }
}
