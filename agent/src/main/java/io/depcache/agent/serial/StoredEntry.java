package io.depcache.agent.serial;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * What one entry holds: a value (possibly {@code null}) or a cached exception, and the dependencies
 * it was computed with (so that a hit hands them to the enclosing cached call).
 *
 * @param kind what the entry holds
 * @param value the value for {@link Kind#VALUE} and {@link Kind#OPTIONAL}, else {@code null}
 * @param exceptionClass the exception's class name for {@link Kind#EXCEPTION}
 * @param exceptionMessage the exception's message for {@link Kind#EXCEPTION}, may be {@code null}
 * @param dependencies every dependency of the entry, in declaration order
 * @param sequences per dependency, the invalidation sequence at which the computation that declared
 *     it started ({@link #NO_SEQUENCE} when unknown, as for entries written by hand); an empty
 *     array means unknown for all. A cached call that hits this entry is fenced, for each of these
 *     dependencies, as if it had read that dependency then: a stale entry hit while an invalidation
 *     is still removing it cannot pass its staleness on
 */
public record StoredEntry(
    Kind kind,
    Object value,
    String exceptionClass,
    String exceptionMessage,
    List<Dependency> dependencies,
    long[] sequences) {
  /** The sequence of a dependency that no fenced computation declared. */
  public static final long NO_SEQUENCE = Long.MAX_VALUE;

  /** Checks that there is one sequence per dependency, or none at all. */
  public StoredEntry {
    if (sequences == null) {
      sequences = new long[0];
    }
    int n = dependencies == null ? 0 : dependencies.size();
    if (sequences.length != 0 && sequences.length != n) {
      throw new IllegalArgumentException(
          sequences.length + " sequences for " + n + " dependencies");
    }
    if (Arrays.stream(sequences).allMatch(sequence -> sequence == NO_SEQUENCE)) {
      sequences = new long[0]; // one form for "unknown", so that equal entries are equal
    }
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof StoredEntry that
        && kind == that.kind
        && Objects.equals(value, that.value)
        && Objects.equals(exceptionClass, that.exceptionClass)
        && Objects.equals(exceptionMessage, that.exceptionMessage)
        && Objects.equals(dependencies, that.dependencies)
        && Arrays.equals(sequences, that.sequences);
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, value, exceptionClass, exceptionMessage, dependencies)
        + 31 * Arrays.hashCode(sequences);
  }

  @Override
  public String toString() {
    return "StoredEntry[kind="
        + kind
        + ", value="
        + value
        + ", exceptionClass="
        + exceptionClass
        + ", exceptionMessage="
        + exceptionMessage
        + ", dependencies="
        + dependencies
        + ", sequences="
        + Arrays.toString(sequences)
        + "]";
  }

  /**
   * The sequence of the {@code i}-th dependency.
   *
   * @param i the dependency's index
   * @return its sequence, {@link #NO_SEQUENCE} when unknown
   */
  public long sequenceOf(int i) {
    return sequences.length == 0 ? NO_SEQUENCE : sequences[i];
  }

  /** An entry with no computation sequences, as {@code CacheManager.set} writes. */
  public StoredEntry(
      Kind kind,
      Object value,
      String exceptionClass,
      String exceptionMessage,
      List<Dependency> dependencies) {
    this(kind, value, exceptionClass, exceptionMessage, dependencies, new long[0]);
  }

  /** What an entry holds. */
  public enum Kind {
    VALUE,
    NULL,
    EXCEPTION,
    /**
     * {@code Optional.of(value)}: cached by content, since {@code Optional} is not serializable.
     */
    OPTIONAL,
    /** {@code Optional.empty()}. */
    OPTIONAL_EMPTY
  }
}
