package io.depcache;

import java.util.Set;

/**
 * One thing that happened to a cache.
 *
 * @param type what happened
 * @param manager the name of the manager
 * @param key the entry's key, or {@code null} when the event is not about one entry
 * @param method {@code Class#method} of the cached method, or {@code null} for manual operations
 * @param dependencies the dependencies involved (those of the entry, or those invalidated)
 * @param ttl the entry's ttl in seconds, or {@code -1} when not applicable
 * @param count how many entries the operation affected
 * @param timestamp when it happened, in epoch milliseconds
 * @param level for a {@link CacheEventType#HIT}, the level that served it; {@code null} for every
 *     other type (and for a hit whose level its source did not say)
 */
public record CacheEvent(
    CacheEventType type,
    String manager,
    String key,
    String method,
    Set<String> dependencies,
    long ttl,
    long count,
    long timestamp,
    CacheLevel level) {
  /**
   * Normalizes {@code dependencies} to an unmodifiable set, empty when {@code null}, and {@code
   * level} to {@code null} for events other than hits.
   */
  public CacheEvent {
    dependencies = dependencies == null ? Set.of() : Set.copyOf(dependencies);
    level = type == CacheEventType.HIT ? level : null;
  }

  /** An event without a level: the form before levels existed, kept so that such code compiles. */
  public CacheEvent(
      CacheEventType type,
      String manager,
      String key,
      String method,
      Set<String> dependencies,
      long ttl,
      long count,
      long timestamp) {
    this(type, manager, key, method, dependencies, ttl, count, timestamp, null);
  }
}
