package com.example.checker;

import io.depcache.DepCached;

/** The cached readers of the checker: a row, and a pair of rows through two nested cached calls. */
public class Readers {
  private final Rows rows;

  public Readers(Rows rows) {
    this.rows = rows;
  }

  /** The rows this reader reads, for the writer. */
  public Rows rows() {
    return rows;
  }

  /** The version of one row, cached until the row is invalidated. */
  @DepCached(dependencies = "row:{0}")
  public long rowVersion(int id) {
    return rows.read(id);
  }

  /**
   * The versions of two rows, read through {@link #rowVersion}: the entry depends on both rows only
   * through the inner calls, whether they hit or miss.
   */
  @DepCached
  public Pair pair(int a, int b) {
    return new Pair(rowVersion(a), rowVersion(b));
  }

  /** The versions of two rows, in the order asked. */
  public record Pair(long first, long second) implements java.io.Serializable {}
}
