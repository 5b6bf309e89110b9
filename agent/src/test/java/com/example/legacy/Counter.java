package com.example.legacy;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Counts how often each legacy method body really ran; legacy code knows nothing of depcache. */
public final class Counter {
  private static final Map<String, AtomicInteger> COUNTS = new ConcurrentHashMap<>();

  private Counter() {}

  static void ran(String what) {
    COUNTS.computeIfAbsent(what, k -> new AtomicInteger()).incrementAndGet();
  }

  public static int count(String what) {
    AtomicInteger count = COUNTS.get(what);
    return count == null ? 0 : count.get();
  }

  public static void reset() {
    COUNTS.clear();
  }
}
