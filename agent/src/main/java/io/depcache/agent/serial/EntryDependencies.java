package io.depcache.agent.serial;

import java.util.Arrays;
import java.util.Objects;

/**
 * The dependencies one entry records, in declaration order: per dependency, the manager it belongs
 * to, its text and the invalidation sequence at which the computation that declared it started.
 *
 * <p>The entry format's view of them, not the call path's: it holds strings and numbers only.
 * Immutable; the arrays given to {@link #of} are owned by it from then on.
 */
public final class EntryDependencies {
  /** The sequence of a dependency that no fenced computation declared. */
  public static final long NO_SEQUENCE = Long.MAX_VALUE;

  /** No dependency. */
  public static final EntryDependencies NONE =
      new EntryDependencies(new String[0], new String[0], new long[0]);

  private final String[] managers;
  private final String[] names;

  /** Empty when every sequence is unknown: one form for "unknown", so that equal ones are equal. */
  private final long[] sequences;

  private EntryDependencies(String[] managers, String[] names, long[] sequences) {
    this.managers = managers;
    this.names = names;
    this.sequences = sequences;
  }

  /**
   * The dependencies of an entry.
   *
   * @param managers per dependency, its manager's name
   * @param names per dependency, its text
   * @param sequences per dependency, its sequence ({@link #NO_SEQUENCE} when unknown, as for
   *     entries written by hand); empty means unknown for all
   * @throws IllegalArgumentException when the lengths differ or a part is {@code null}
   */
  public static EntryDependencies of(String[] managers, String[] names, long[] sequences) {
    Objects.requireNonNull(managers, "managers");
    Objects.requireNonNull(names, "names");
    long[] read = sequences == null ? new long[0] : sequences;
    if (managers.length != names.length || (read.length != 0 && read.length != names.length)) {
      throw new IllegalArgumentException(
          managers.length
              + " managers, "
              + names.length
              + " names and "
              + read.length
              + " sequences: expected one of each per dependency (or no sequence at all)");
    }
    for (int i = 0; i < names.length; i++) {
      if (managers[i] == null || names[i] == null) {
        throw new IllegalArgumentException(
            "dependency " + i + " is incomplete: manager " + managers[i] + ", name " + names[i]);
      }
    }
    if (names.length == 0) {
      return NONE;
    }
    return new EntryDependencies(managers, names, allUnknown(read) ? new long[0] : read);
  }

  private static boolean allUnknown(long[] sequences) {
    for (long sequence : sequences) {
      if (sequence != NO_SEQUENCE) {
        return false;
      }
    }
    return true;
  }

  public int size() {
    return names.length;
  }

  public String manager(int i) {
    return managers[i];
  }

  public String name(int i) {
    return names[i];
  }

  /**
   * The sequence of the {@code i}-th dependency.
   *
   * @param i the dependency's index
   * @return its sequence, {@link #NO_SEQUENCE} when unknown
   */
  public long sequence(int i) {
    return sequences.length == 0 ? NO_SEQUENCE : sequences[i];
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof EntryDependencies that
        && Arrays.equals(managers, that.managers)
        && Arrays.equals(names, that.names)
        && Arrays.equals(sequences, that.sequences);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(managers) * 961
        + Arrays.hashCode(names) * 31
        + Arrays.hashCode(sequences);
  }

  @Override
  public String toString() {
    StringBuilder out = new StringBuilder("[");
    for (int i = 0; i < names.length; i++) {
      if (i > 0) {
        out.append(", ");
      }
      out.append(managers[i]).append('/').append(names[i]);
      if (sequence(i) != NO_SEQUENCE) {
        out.append('@').append(sequence(i));
      }
    }
    return out.append(']').toString();
  }
}
