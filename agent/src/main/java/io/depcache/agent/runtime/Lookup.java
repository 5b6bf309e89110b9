package io.depcache.agent.runtime;

/**
 * What a lookup found: a {@link Hit} to answer the call with, or a {@link Miss} and the
 * invalidation sequence that the call's computation is then fenced by.
 */
sealed interface Lookup permits Hit, Lookup.Miss {
  /** A miss whose store could not be read: its computation is not stored (it cannot be fenced). */
  long UNFENCED = -1;

  /**
   * A miss.
   *
   * @param sequence the invalidation sequence the store answered with, or {@link #UNFENCED} when it
   *     could not be read
   */
  record Miss(long sequence) implements Lookup {}

  /** The fence of a lookup's computation: a miss's sequence; a hit computes nothing. */
  static long fence(Lookup found) {
    return found instanceof Miss miss ? miss.sequence() : UNFENCED;
  }
}
