package io.depcache.agent.near;

import java.util.Arrays;
import java.util.Collection;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Which dependencies one registration of this JVM may hold near entries of: a filter of {@value
 * #BITS} bits, one per hash of a dependency's store key, that Redis keeps too (the registration's
 * hold filter), so that an invalidator waits only for the JVMs whose filter has a bit of the
 * dependencies it invalidated (see the package javadoc). A bit is never cleared while the
 * registration lives; a new registration starts with an empty filter and an empty near cache.
 *
 * <p>Two copies of the bits are kept here. A bit is <em>claimed</em> before it is set in Redis, so
 * the claimed bits always include Redis' (a subscriber that finds none of a message's bits claimed
 * knows that the invalidator did not wait for it). A bit is <em>confirmed</em> once Redis answered
 * that it is set. A fill is admitted only if every bit of its dependencies was confirmed before the
 * lookup (or write) it fills from began: {@link #ticket()} taken then, {@link #admits} at the fill.
 */
final class Holds {
  /** How many bits there are: a dependency's is one of them, by the hash of its store key. */
  static final int BITS = 1 << 18;

  /** A message of more dependencies than this waits for every JVM, as do deletes and clears. */
  static final int MAX_BITS = 64;

  /** The registration's member in the registry. */
  final String member;

  private final AtomicLongArray claimed = new AtomicLongArray(BITS / 64);
  private final AtomicLongArray confirmed = new AtomicLongArray(BITS / 64);

  /** How many confirmations began, and how many ended (answered or failed). */
  private final AtomicLong started = new AtomicLong();

  private final AtomicLong finished = new AtomicLong();

  Holds(String member) {
    this.member = member;
  }

  /**
   * The bit of a dependency's store key: never 0, which marks that a filter exists. The same
   * function on every JVM ({@link String#hashCode} is specified), mixed so that keys that differ
   * only at their end spread over the whole filter.
   */
  static int bit(String dependencyKey) {
    int h = dependencyKey.hashCode() * 0x9E3779B9;
    return 1 + Math.floorMod(h ^ (h >>> 15), BITS - 1);
  }

  /** The bits of these keys, or {@code null} when there are more than {@value #MAX_BITS}. */
  static int[] bits(Collection<String> dependencyKeys) {
    if (dependencyKeys.isEmpty() || dependencyKeys.size() > MAX_BITS) {
      return null;
    }
    int[] bits = new int[dependencyKeys.size()];
    int i = 0;
    for (String key : dependencyKeys) {
      bits[i++] = bit(key);
    }
    return bits;
  }

  /**
   * What a fill checks against later: taken before the lookup or write it fills from; {@code -1}
   * when a confirmation runs now (a fill taken then is not admitted).
   */
  long ticket() {
    // ended first: equal to the begun read after it, none ran then and none began in between
    long ended = finished.get();
    return started.get() == ended ? ended : -1;
  }

  /**
   * Whether a fill with these dependencies may be served: every bit was confirmed before the {@link
   * #ticket()} was taken, none since (read after the bits).
   */
  boolean admits(long ticket, Collection<String> dependencyKeys) {
    return ticket >= 0 && !needs(dependencyKeys) && started.get() == ticket;
  }

  /** Whether a message of these dependency keys may concern an entry held here. */
  boolean mayHoldAny(Collection<String> dependencyKeys) {
    int[] bits = bits(dependencyKeys);
    if (bits == null) {
      return true;
    }
    for (int bit : bits) {
      if (isSet(claimed, bit)) {
        return true;
      }
    }
    return false;
  }

  /** Whether some of these dependencies' bits are not confirmed yet. */
  boolean needs(Collection<String> dependencyKeys) {
    for (String key : dependencyKeys) {
      if (!isSet(confirmed, bit(key))) {
        return true;
      }
    }
    return false;
  }

  /**
   * The bits of these dependencies not confirmed yet, claimed now: what a confirmation must set in
   * Redis. Call {@link #began()} first.
   */
  int[] claimUnconfirmed(Collection<String> dependencyKeys) {
    int[] bits = new int[dependencyKeys.size()];
    int n = 0;
    for (String key : dependencyKeys) {
      int bit = bit(key);
      if (!isSet(confirmed, bit)) {
        set(claimed, bit);
        bits[n++] = bit;
      }
    }
    return Arrays.copyOf(bits, n);
  }

  /** A confirmation begins: fills whose tickets were taken before it are not admitted. */
  void began() {
    started.incrementAndGet();
  }

  /** Redis answered that these bits are set. */
  void confirm(int[] bits) {
    for (int bit : bits) {
      set(confirmed, bit);
    }
  }

  /** A confirmation ended, answered or not. */
  void ended() {
    finished.incrementAndGet();
  }

  private static boolean isSet(AtomicLongArray words, int bit) {
    return (words.get(bit >>> 6) & (1L << bit)) != 0;
  }

  private static void set(AtomicLongArray words, int bit) {
    long mask = 1L << bit;
    int word = bit >>> 6;
    long now = words.get(word);
    while ((now & mask) == 0 && !words.compareAndSet(word, now, now | mask)) {
      now = words.get(word);
    }
  }
}
