package io.depcache.agent.runtime;

import io.depcache.agent.serial.Dependency;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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

  /**
   * What the call depends on so far, each with the oldest invalidation sequence at which data for
   * it was read: this call's own sequence for what it declares, older ones for what it takes from
   * entries it hit. The write is fenced per dependency by these.
   */
  final Map<Dependency, Long> dependencies = new LinkedHashMap<>();

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

  /** This call depends on {@code dependency}, read during its own computation. */
  void declare(Dependency dependency) {
    dependencies.merge(dependency, sequence, Math::min);
  }

  /**
   * Takes in what an inner call contributed, each dependency with the sequence at which it was
   * read, so that a stale inner entry (hit while an invalidation was still removing it) cannot make
   * this call's result stale.
   */
  void consume(List<Dependency> inner, long[] sequences) {
    for (int i = 0; i < inner.size(); i++) {
      dependencies.merge(inner.get(i), sequences[i], Math::min);
    }
  }

  void consume(Map<Dependency, Long> inner) {
    inner.forEach((dependency, read) -> dependencies.merge(dependency, read, Math::min));
  }

  List<Dependency> dependencyList() {
    return List.copyOf(dependencies.keySet());
  }

  /** The sequences of {@link #dependencyList()}, in the same order. */
  long[] sequences() {
    long[] sequences = new long[dependencies.size()];
    int i = 0;
    for (long read : dependencies.values()) {
      sequences[i++] = read;
    }
    return sequences;
  }

  String what() {
    return method != null ? method.displayName : "getOrCompute(" + key + ")";
  }
}
