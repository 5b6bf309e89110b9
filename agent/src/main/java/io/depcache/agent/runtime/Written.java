package io.depcache.agent.runtime;

/** What happened to the write of a computed value. */
enum Written {
  WRITTEN,
  /** An invalidation or delete during the computation fenced it out: the value may be stale. */
  REFUSED,
  /** Not stored for another reason (not cacheable, store failure): the value itself is fine. */
  SKIPPED,
  /**
   * Still being written when the call's time with the store ran out: it goes on behind the call,
   * and may yet be refused, so its value is not handed to waiters.
   */
  BEHIND
}
