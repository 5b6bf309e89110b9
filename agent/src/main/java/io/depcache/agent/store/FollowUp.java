package io.depcache.agent.store;

import java.util.List;

/**
 * A script that a store may run on its server right after an invalidation it applied in full, in
 * that invalidation's last round trip ({@link CacheStore#invalidate(java.util.Collection,
 * FollowUp)}): the near cache's announcement of an invalidation, which then costs no round trip of
 * its own. Used by one thread at a time.
 */
public final class FollowUp {
  final LuaScript script;
  final List<byte[]> keys;
  final List<byte[]> args;
  private Object reply;
  private boolean answered;

  FollowUp(LuaScript script, List<byte[]> keys, List<byte[]> args) {
    this.script = script;
    this.keys = keys;
    this.args = args;
  }

  /** The store ran it, after the invalidation was applied in full, and this is what it answered. */
  void answered(Object reply) {
    this.reply = reply;
    this.answered = true;
  }

  /** Whether the store ran it: if not, the caller does. */
  public boolean answered() {
    return answered;
  }

  Object reply() {
    return reply;
  }
}
