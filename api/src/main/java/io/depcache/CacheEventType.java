package io.depcache;

/** What happened to the cache. */
public enum CacheEventType {
  /** A lookup found an entry. */
  HIT,
  /** A lookup found nothing; the value will be computed. */
  MISS,
  /** An entry was written. */
  SET,
  /** Entries were deleted by key. */
  DELETE,
  /** Entries were removed because a dependency was invalidated. */
  INVALIDATE,
  /** Every entry of a manager was removed. */
  CLEAR,
  /** An operation failed; the call went on uncached. */
  ERROR
}
