package io.depcache.agent.serial;

import java.util.Arrays;
import java.util.Objects;

/**
 * The dependencies one entry records, in declaration order: per dependency, the manager it belongs
 * to, its text and the invalidation sequence at which the computation that declared it started.
 *
 * <p>The entry format's view of them, not the call path's: it holds strings and numbers only.
 * Immutable; the arrays given to {@link #of} are owned by it from then on. Those read from an entry
 * ({@link #encoded}) keep the entry's bytes and decode them at the first question that needs more
 * than {@link #size()}: a hit outside another cached call, with no listener of its event, decodes
 * none.
 */
public final class EntryDependencies {
  /** The sequence of a dependency that no fenced computation declared. */
  public static final long NO_SEQUENCE = Long.MAX_VALUE;

  /** No dependency. */
  public static final EntryDependencies NONE =
      new EntryDependencies(new String[0], new String[0], new long[0]);

  private final int size;

  /** The entry the dependencies are read from, or {@code null} for those made with {@link #of}. */
  private final byte[] entry;

  /** Where their section starts in {@link #entry}. */
  private final int start;

  /** Set with the three arrays, once: whoever sees it {@code true} sees them. */
  private volatile boolean decoded;

  private String[] managers;
  private String[] names;

  /** Empty when every sequence is unknown: one form for "unknown", so that equal ones are equal. */
  private long[] sequences;

  private EntryDependencies(String[] managers, String[] names, long[] sequences) {
    this.size = names.length;
    this.managers = managers;
    this.names = names;
    this.sequences = sequences;
    this.entry = null;
    this.start = 0;
    this.decoded = true;
  }

  private EntryDependencies(byte[] entry, int start, int size) {
    this.size = size;
    this.entry = entry;
    this.start = start;
  }

  /**
   * The dependencies in an entry's section that {@link EntryReader#dependencies()} checked.
   *
   * @param entry the entry's bytes, which this keeps and does not change
   * @param start where the section starts
   * @param size how many dependencies it holds, at least one
   */
  static EntryDependencies encoded(byte[] entry, int start, int size) {
    return new EntryDependencies(entry, start, size);
  }

  /** Decodes the section, once; the checks it passed leave nothing to fail here. */
  private void decode() {
    if (decoded) {
      return;
    }
    synchronized (this) {
      if (decoded) {
        return;
      }
      String[] managerOf = new String[size];
      String[] text = new String[size];
      long[] read = new long[size];
      EntryReader in = new EntryReader(entry);
      in.pos = start;
      in.decodeDependencies(managerOf, text, read);
      managers = managerOf;
      names = text;
      sequences = allUnknown(read) ? new long[0] : read;
      decoded = true;
    }
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
    return size;
  }

  public String manager(int i) {
    decode();
    return managers[i];
  }

  public String name(int i) {
    decode();
    return names[i];
  }

  /**
   * The sequence of the {@code i}-th dependency.
   *
   * @param i the dependency's index
   * @return its sequence, {@link #NO_SEQUENCE} when unknown
   */
  public long sequence(int i) {
    decode();
    return sequences.length == 0 ? NO_SEQUENCE : sequences[i];
  }

  @Override
  public boolean equals(Object other) {
    if (!(other instanceof EntryDependencies that)) {
      return false;
    }
    decode();
    that.decode();
    return Arrays.equals(managers, that.managers)
        && Arrays.equals(names, that.names)
        && Arrays.equals(sequences, that.sequences);
  }

  @Override
  public int hashCode() {
    decode();
    return Arrays.hashCode(managers) * 961
        + Arrays.hashCode(names) * 31
        + Arrays.hashCode(sequences);
  }

  @Override
  public String toString() {
    decode();
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
