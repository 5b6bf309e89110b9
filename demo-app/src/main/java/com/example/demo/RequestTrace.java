package com.example.demo;

import io.depcache.CacheEvent;
import io.depcache.CacheEventListener;
import io.depcache.CacheEventType;

/**
 * Records the cache lookups that one request made, so its response can say what really happened.
 *
 * <p>depcache dispatches events on the thread of the cached call, and each request runs on one
 * thread, so a thread-local view is exact even with concurrent requests. The first lookup of a
 * request is its outermost cached call: its outcome is the request's {@code X-Cache}.
 */
final class RequestTrace implements CacheEventListener {
  private final ThreadLocal<Lookups> current = new ThreadLocal<>();

  /** What the cached calls of one request did. */
  static final class Lookups {
    private String first = "none";
    private int hits;
    private int misses;

    /** {@code hit} or {@code miss} for the outermost cached call; {@code none} without one. */
    String first() {
      return first;
    }

    int hits() {
      return hits;
    }

    int misses() {
      return misses;
    }
  }

  /** Starts recording the lookups of this thread's request. */
  void begin() {
    current.set(new Lookups());
  }

  /** Stops recording and returns what was recorded since {@link #begin()}. */
  Lookups end() {
    Lookups lookups = current.get();
    current.remove();
    return lookups == null ? new Lookups() : lookups;
  }

  @Override
  public void onEvent(CacheEvent event) {
    Lookups lookups = current.get();
    if (lookups == null) {
      return;
    }
    if (event.type() == CacheEventType.HIT) {
      lookups.hits++;
    } else if (event.type() == CacheEventType.MISS) {
      lookups.misses++;
    } else {
      return;
    }
    if (lookups.hits + lookups.misses == 1) {
      lookups.first = event.type() == CacheEventType.HIT ? "hit" : "miss";
    }
  }
}
