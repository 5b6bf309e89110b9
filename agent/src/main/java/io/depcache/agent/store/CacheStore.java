package io.depcache.agent.store;

import io.depcache.agent.config.ManagerConfig;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Where entries and their dependency registrations live: Redis, or the JVM's memory.
 *
 * <p>Keys passed here are complete store keys, built with {@link KeyLayout}. Every method may throw
 * {@link StoreException} when the store cannot be reached or answers with an error; callers decide
 * whether that bypasses the cache or fails the call.
 *
 * <p>The contract is stated as outcomes, what a reader running at the same time can observe, not as
 * steps: a standalone Redis meets it with one script per operation, a store whose keys live on
 * several nodes may take several steps (register in the dependency sets first, check the fences,
 * write, check again and delete) as long as no reader can tell the difference. The outcomes every
 * store guarantees:
 *
 * <ul>
 *   <li><b>Whole entries.</b> A reader sees an entry whole or not at all, and an entry it can see
 *       is registered in every dependency set it was written with.
 *   <li><b>No stale write.</b> Once {@link #invalidate} of a dependency (or {@link #delete} of a
 *       key) has returned, no reader that starts afterwards sees a value written by a {@link
 *       #putIfUnchangedSince} whose computation read its data before that invalidation's fence.
 *   <li><b>Monotonic fences.</b> The sequence that {@link #lookup} reports never goes backwards for
 *       a reader; a fence, once set, lasts {@link #FENCE_RETENTION_MILLIS}.
 * </ul>
 *
 * <p><b>A store that loses its sequence.</b> A Redis that loses its data (a restart without
 * persistence, a flush, an eviction of the sequence key, a failover to a replica that lagged) may
 * lose fences with it, so a computation that began before the loss cannot be proven fresh. The
 * Redis store keeps the outcomes anyway by refusing every such write: a computation carries the
 * sequence it read, and {@link #putIfUnchangedSince} refuses it when
 *
 * <ul>
 *   <li>the store has no sequence any more, and the computation read one (a sequence of {@code 0}
 *       means it read none: nothing was fenced since, so there is nothing it could have missed);
 *   <li>the store's sequence is below the one the computation read (it went back: a replica that
 *       lagged, or something else written under the key);
 *   <li>the store's current epoch began after the sequence the computation read. An epoch begins
 *       when a fence finds no sequence (or something else than a number) under the sequence key: it
 *       starts again at the server's clock in microseconds, above the sequences of the epochs
 *       before it while the clock does not go back by more than the time since, and the epoch key
 *       records where it began.
 * </ul>
 *
 * What no store can do: a failover to a replica that had not received the last invalidations loses
 * them, and the entries they removed come back; only a replication acknowledgement before
 * invalidate returns would prevent that. The memory store never loses its sequence.
 */
public interface CacheStore extends AutoCloseable {
  /**
   * How long the fence of an invalidation or delete lasts. A computation that takes longer than
   * this cannot be proven fresh and is not stored (see {@link #putIfUnchangedSince}).
   */
  long FENCE_RETENTION_MILLIS = 15 * 60 * 1000L;

  /**
   * An entry and the store's invalidation sequence, read together.
   *
   * @param value the entry's bytes, or {@code null} when absent
   * @param sequence the number of invalidations and deletes the store has fenced so far
   * @param decoded {@code null} unless a near cache served the lookup from this JVM's memory: then
   *     the slot of that near entry, where the caller may keep what it decoded from {@code value}
   *     (the store never looks inside it), so that the next near hits of the same entry decode
   *     nothing; it leaves with the entry. The same {@code Lookup} may be returned to every near
   *     hit of the entry
   */
  record Lookup(byte[] value, long sequence, AtomicReference<Object> decoded) {
    /** A lookup that the store answered (no near cache). */
    public Lookup(byte[] value, long sequence) {
      this(value, sequence, null);
    }

    /** Whether a near cache served it. */
    public boolean near() {
      return decoded != null;
    }
  }

  /**
   * Reads an entry and the invalidation sequence in one round trip: a hit costs no more than {@link
   * #get}, and a miss knows which invalidations its computation may have missed.
   *
   * @param entryKey the entry's store key
   * @return the entry (or {@code null}) and the sequence
   */
  Lookup lookup(String entryKey);

  /**
   * As {@link #lookup(String)}, with the store key in UTF-8: what a store that sends keys as bytes
   * takes without another copy of the key (the hit path makes it once, from the user's key).
   *
   * @param entryKey the entry's store key in UTF-8, which the store does not change
   * @return the entry (or {@code null}) and the sequence
   */
  default Lookup lookup(byte[] entryKey) {
    return lookup(new String(entryKey, java.nio.charset.StandardCharsets.UTF_8));
  }

  /**
   * As {@link #lookup(byte[])}, with the store key in its two parts: a store that can answer
   * without the whole key (a near cache) makes none; others make the UTF-8 key once.
   *
   * @param entryKeys from {@link KeyLayout#entryKeysOf(String)}
   * @param entryKeysUtf8 the same in UTF-8
   * @param key the entry's key as users see it
   * @return the entry (or {@code null}) and the sequence
   */
  default Lookup lookup(String entryKeys, byte[] entryKeysUtf8, String key) {
    return lookup(KeyLayout.entryKeyUtf8(entryKeys, entryKeysUtf8, key));
  }

  /**
   * The entry if this JVM's memory holds it and may serve it now (a near cache), else {@code null}:
   * never a round trip, so that a caller may try it before it starts timing a lookup. A {@code
   * null} says nothing about Redis; {@link #lookup(String, byte[], String)} answers.
   *
   * @param entryKeys from {@link KeyLayout#entryKeysOf(String)}
   * @param key the entry's key as users see it
   */
  default Lookup nearLookup(String entryKeys, String key) {
    return null;
  }

  /**
   * Writes like {@link #put}, unless the entry's key was fenced (by {@link #delete}) after {@code
   * sequence}, or a dependency set was fenced (by {@link #invalidate}) after that dependency's
   * sequence: then nothing is written. Outcome for a concurrent invalidation: either this call sees
   * its fence and refuses, or the invalidation, when it returns, has removed what this call wrote;
   * in between a reader may see the value only if it started before the invalidation returned.
   *
   * @param sequence from the {@link #lookup} that missed, before the value was computed
   * @param dependencySequences per dependency key, the oldest sequence at which data for it was
   *     read (this computation's own, or older for what it took from entries it hit)
   * @return {@code true} when written, {@code false} when refused
   */
  boolean putIfUnchangedSince(
      String entryKey,
      byte[] value,
      long ttlMillis,
      List<String> dependencyKeys,
      long sequence,
      long[] dependencySequences);

  /**
   * Reads an entry in one round trip.
   *
   * @param entryKey the entry's store key
   * @return the stored bytes, or {@code null} when absent
   */
  byte[] get(String entryKey);

  /**
   * Takes the lease on computing an entry, for every JVM on this store: only the holder computes;
   * the others wait for its value. A lease held by a process that died expires by itself.
   *
   * @param entryKey the entry's store key
   * @param token identifies the holder, for {@link #releaseLease}
   * @param millis how long the lease lasts at most
   * @return whether this caller now holds the lease
   */
  boolean tryLease(String entryKey, String token, long millis);

  /**
   * Gives a lease back, if {@code token} still holds it.
   *
   * @param entryKey the entry's store key
   * @param token the holder's token
   */
  void releaseLease(String entryKey, String token);

  /**
   * Tells whether an entry exists.
   *
   * @param entryKey the entry's store key
   * @return whether it exists
   */
  boolean exists(String entryKey);

  /**
   * Writes an entry and registers it in each dependency set. Outcome: a reader that sees the entry
   * finds it registered in every one of those sets, so that an invalidation that starts after the
   * reader saw it removes it; a failure part way leaves no visible entry. A dependency set's expiry
   * is raised to at least the entry's.
   *
   * @param entryKey the entry's store key
   * @param value the bytes to store
   * @param ttlMillis milliseconds to live; {@code 0}: never expires
   * @param dependencyKeys the store keys of the dependency sets the entry joins
   */
  void put(String entryKey, byte[] value, long ttlMillis, Collection<String> dependencyKeys);

  /**
   * Deletes entries, first fencing their keys so that a computation that started before the delete
   * cannot write the entry back (see {@link #putIfUnchangedSince}).
   *
   * @param entryKeys the entries' store keys
   * @return how many existed and were removed
   */
  long delete(Collection<String> entryKeys);

  /**
   * Removes every entry registered in any of the dependency sets, and the sets, in batches so that
   * no single command runs long. First fences the dependencies: a computation that started before
   * this call can no longer store a result that depends on them. Outcome when it returns: no entry
   * registered in those sets before or during the call is visible any more, including those of an
   * invalidation of the same dependency running at the same time.
   *
   * @param dependencyKeys the store keys of the dependency sets
   * @return how many entries existed and were removed
   */
  long invalidate(Collection<String> dependencyKeys);

  /**
   * As {@link #invalidate(Collection)}, then, when this store can, {@code followUp} on the same
   * server right after the invalidation was applied in full, in the invalidation's last round trip
   * (it is then {@linkplain FollowUp#answered() answered}); otherwise the caller runs it once this
   * returns. A store may run it too when the invalidation was not applied in full, without
   * answering it: it must be harmless then.
   *
   * @param followUp what to run after it, or {@code null}
   * @return as {@link #invalidate(Collection)}
   */
  default long invalidate(Collection<String> dependencyKeys, FollowUp followUp) {
    return invalidate(dependencyKeys);
  }

  /**
   * Removes every key that starts with {@code namespace} (entries and dependency sets), in batches.
   *
   * @param namespace a prefix from {@link KeyLayout#namespace(String, String)}
   * @return how many entries were removed (dependency sets are not counted)
   */
  long clear(String namespace);

  /**
   * Returns an entry's remaining time to live.
   *
   * @param entryKey the entry's store key
   * @return milliseconds; {@code -1} when it never expires; {@code -2} when absent
   */
  long ttlMillis(String entryKey);

  /**
   * Whether calls reach the store now ({@code StoreAvailable}): {@code false} while a circuit
   * breaker makes them fail fast.
   *
   * @return {@code true} for a store without a breaker
   */
  default boolean available() {
    return true;
  }

  /**
   * How many invalidations, deletes and clears wait to be applied ({@code PendingInvalidations}).
   *
   * @return 0 for a store that never defers them
   */
  default long pendingInvalidations() {
    return 0;
  }

  /**
   * How many times the store followed a failover of its primary and made its recent invalidations,
   * deletes and clears again on the new one ({@code FailoverReplay}, Sentinel). A near cache in
   * front of it empties every JVM's near cache after each: their entries may have come from the new
   * primary before those invalidations reached it.
   *
   * @return 0 for a store whose server never changes
   */
  default long failoverReplays() {
    return 0;
  }

  /**
   * Opens the channel of the near cache's coherence protocol on this store's Redis: on the same
   * server as the entries, and following it where the store follows a failover.
   *
   * @param settings the settings of the managers sharing this store
   * @return the channel; nothing connects before its first use
   * @throws UnsupportedOperationException for a store that a near cache cannot be kept coherent in
   *     front of
   */
  default NearChannel openNearChannel(ManagerConfig settings) {
    throw new UnsupportedOperationException("no near cache in front of " + describe());
  }

  /**
   * Describes the store for logs, never with a password.
   *
   * @return e.g. {@code redis://localhost:6379/0}
   */
  String describe();

  @Override
  void close();
}
