package io.depcache;

/**
 * A snapshot of a {@link StatsCollector}.
 *
 * @param hits lookups that found an entry
 * @param misses lookups that found nothing
 * @param sets entries written
 * @param deletes delete operations
 * @param invalidations invalidation operations
 * @param clears clear operations
 * @param errors failed operations
 * @param hitRatio {@code hits / (hits + misses)}, {@code 0} before the first lookup
 * @param totalOperations the sum of every counter
 * @param runtimeSeconds seconds since the collector was created or reset
 * @param opsPerSecond {@code totalOperations / runtimeSeconds}
 * @param nearHits the hits among {@code hits} that this JVM's near cache served ({@link
 *     CacheLevel#NEAR})
 */
public record Stats(
    long hits,
    long misses,
    long sets,
    long deletes,
    long invalidations,
    long clears,
    long errors,
    double hitRatio,
    long totalOperations,
    double runtimeSeconds,
    double opsPerSecond,
    long nearHits) {
  /** A snapshot without near hits: the form before levels existed, kept so that it compiles. */
  public Stats(
      long hits,
      long misses,
      long sets,
      long deletes,
      long invalidations,
      long clears,
      long errors,
      double hitRatio,
      long totalOperations,
      double runtimeSeconds,
      double opsPerSecond) {
    this(
        hits,
        misses,
        sets,
        deletes,
        invalidations,
        clears,
        errors,
        hitRatio,
        totalOperations,
        runtimeSeconds,
        opsPerSecond,
        0);
  }
}
