package io.depcache.agent.runtime;

import io.depcache.agent.serial.Dependency;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * One cached call being computed: what it depends on so far, and its ttl. Frames form a stack per
 * thread; when a frame ends, its dependencies pass to the frame below it.
 */
final class Frame {
  static final long TTL_UNSET = Long.MIN_VALUE;

  final ManagerRuntime manager;
  final MethodInfo method;

  /** {@code null} when the call has no stable key: it is tracked but never stored. */
  final String key;

  final Class<?> owner;
  final ClassLoader loader;
  final Set<Dependency> dependencies = new LinkedHashSet<>();
  long ttlOverride = TTL_UNSET;

  /** The invalidation sequence seen by the lookup that missed: the write is fenced by it. */
  long sequence = EntryIo.UNFENCED;

  final long startedNanos = System.nanoTime();

  /** The single flight this frame leads, or {@code null}. */
  SingleFlight.Flight flight;

  String flightKey;

  /** The cross-JVM lease this frame holds ({@code depcache.lease.enabled}), or {@code null}. */
  String leaseToken;

  /**
   * Why the result must not be stored; inherited by enclosing frames when dependencies are lost.
   */
  String poisoned;

  /** A store failure under {@code on-error=fail}: the call ends with it. */
  RuntimeException failure;

  Frame(ManagerRuntime manager, MethodInfo method, String key, Class<?> owner, ClassLoader loader) {
    this.manager = manager;
    this.method = method;
    this.key = key;
    this.owner = owner;
    this.loader = loader;
  }

  String what() {
    return method != null ? method.displayName : "getOrCompute(" + key + ")";
  }
}
