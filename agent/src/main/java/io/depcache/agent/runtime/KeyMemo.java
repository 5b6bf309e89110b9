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

  /** A remembered call of one {@code long} or {@code int} argument, unboxed. */
  private record LongMemo(long value, String key) {}

  private final LongMemo[] longSlots = new LongMemo[SLOTS];

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

  /**
   * {@link #get(Object[])} of a call of {@code n} arguments (up to three) given one by one, without
   * an array of them.
   */
  String get(int n, Object a0, Object a1, Object a2) {
    int hash = 1;
    if (n > 0) {
      if (!remembered(a0)) {
        return null;
      }
      hash = mix(hash, a0);
    }
    if (n > 1) {
      if (!remembered(a1)) {
        return null;
      }
      hash = mix(hash, a1);
    }
    if (n > 2) {
      if (!remembered(a2)) {
        return null;
      }
      hash = mix(hash, a2);
    }
    Memo memo = slots[spread(hash)];
    if (memo == null || memo.args.length != n) {
      return null;
    }
    Object[] known = memo.args;
    return (n < 1 || same(known[0], a0))
            && (n < 2 || same(known[1], a1))
            && (n < 3 || same(known[2], a2))
        ? memo.key
        : null;
  }

  /**
   * The remembered key of a call whose one argument is this {@code long} (or {@code int}, widened:
   * a method's argument has one type, so its value says which call it was), or {@code null}.
   */
  String get(long value) {
    LongMemo memo = longSlots[spread(Long.hashCode(value))];
    return memo != null && memo.value == value ? memo.key : null;
  }

  /** Remembers the key of a call whose one argument is this {@code long} (or {@code int}). */
  void put(long value, String key) {
    longSlots[spread(Long.hashCode(value))] = new LongMemo(value, key);
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
      if (!remembered(arg)) {
        return -1;
      }
      hash = mix(hash, arg);
    }
    return spread(hash);
  }

  private static boolean remembered(Object arg) {
    return arg == null || valueType(arg.getClass());
  }

  private static int mix(int hash, Object arg) {
    return arg == null ? hash * 31 : 31 * hash + arg.hashCode();
  }

  /** Spreads the high bits, as HashMap does: ids that differ only above the mask find others. */
  private static int spread(int hash) {
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
      if (!same(remembered[i], args[i])) {
        return false;
      }
    }
    return true;
  }

  private static boolean same(Object a, Object b) {
    // the same type too: Long 1 and Integer 1 are unequal, as their keys may be
    return a == b || (a != null && b != null && a.equals(b));
  }
}
