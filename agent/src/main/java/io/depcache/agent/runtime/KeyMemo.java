package io.depcache.agent.runtime;

import java.util.UUID;

/**
 * The keys of one method's recent calls, by their arguments, so that a call repeated with the same
 * arguments (a hot entry's) takes its key without rendering it again: no string built, and its hash
 * already known to the maps that look the key up.
 *
 * <p>Only calls whose arguments are all of a few final, immutable JDK types are remembered ({@code
 * String}, the boxed primitives but {@code Float} and {@code Double}, {@code UUID}, and {@code
 * null}): for those, equal arguments render to the same key, so a remembered key is the one
 * rendering would give. Any other argument (a user's object, whose key form may change with its
 * state) makes the call render its key every time, as before.
 *
 * <p>The memo is direct-mapped: {@value #SLOTS} slots chosen by the arguments' hash, a new call
 * taking its slot from whatever was there. A slot holds an immutable pair written with one
 * reference store, so a racing reader sees the old pair or the new one, never a mix. A call with a
 * string argument longer than {@value #MAX_TEXT} characters is not remembered (keys are bounded
 * already), which bounds what a method keeps: a few kilobytes for keys of usual length.
 */
final class KeyMemo {
  static final int SLOTS = 32;
  static final int MAX_TEXT = 128;

  /** A remembered call: its arguments (a copy) and its key. */
  private record Memo(Object[] args, String key) {}

  private final Memo[] slots = new Memo[SLOTS];

  /**
   * The remembered key of a call with these arguments, or {@code null}.
   *
   * @param args the call's arguments, never changed
   */
  String get(Object[] args) {
    int slot = slot(args);
    if (slot < 0) {
      return null;
    }
    Memo memo = slots[slot];
    return memo != null && sameArguments(memo.args, args) ? memo.key : null;
  }

  /** Remembers the key that a call with these arguments rendered, if its arguments allow it. */
  void put(Object[] args, String key) {
    for (Object arg : args) {
      if (arg instanceof String text && text.length() > MAX_TEXT) {
        return;
      }
    }
    int slot = slot(args);
    if (slot >= 0) {
      slots[slot] = new Memo(args.clone(), key);
    }
  }

  /** The slot of these arguments, or -1 when one of them is not of a remembered type. */
  private static int slot(Object[] args) {
    int hash = 1;
    for (Object arg : args) {
      if (arg == null) {
        hash *= 31;
      } else if (valueType(arg.getClass())) {
        hash = 31 * hash + arg.hashCode();
      } else {
        return -1;
      }
    }
    // spread the high bits, as HashMap does: ids that differ only above the mask find other slots
    return (hash ^ (hash >>> 16)) & (SLOTS - 1);
  }

  private static boolean valueType(Class<?> type) {
    return type == String.class
        || type == Long.class
        || type == Integer.class
        || type == Short.class
        || type == Byte.class
        || type == Character.class
        || type == Boolean.class
        || type == UUID.class;
  }

  private static boolean sameArguments(Object[] remembered, Object[] args) {
    if (remembered.length != args.length) {
      return false;
    }
    for (int i = 0; i < args.length; i++) {
      Object a = remembered[i];
      Object b = args[i];
      // the same type too: Long 1 and Integer 1 are unequal, as their keys may be
      if (a != b && (a == null || b == null || !a.equals(b))) {
        return false;
      }
    }
    return true;
  }
}
