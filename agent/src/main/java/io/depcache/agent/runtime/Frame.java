package io.depcache.agent.runtime;

import io.depcache.agent.serial.EntryDependencies;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * One cached call being computed: what it depends on so far, and its ttl. Frames form a stack per
 * thread ({@link Frames}); when a frame ends, its dependencies pass to the frame below it.
 *
 * <p>A frame is also the context of its call on other threads (tasks it submitted, the stages of
 * the future it returned), so what it collects is guarded by the frame itself. Once its value is
 * written, or refused, the frame is sealed: a dependency declared after that is ignored and
 * reported once per method.
 */
final class Frame implements Call {
  static final long TTL_UNSET = Long.MIN_VALUE;

  final ManagerCore manager;

  /** {@code null} for {@code getOrCompute}. */
  final MethodInfo method;

  /** {@code null} when the call has no stable key: it is tracked but never stored. */
  final String key;

  final Class<?> owner;
  final ClassLoader loader;
  final long startedNanos = System.nanoTime();

  /**
   * What the call depends on so far, each with the oldest invalidation sequence at which data for
   * it was read: this call's own sequence for what it declares, older ones for what it takes from
   * entries it hit. The write is fenced per dependency by these.
   */
  private final Map<Dependency, Long> dependencies = new LinkedHashMap<>();

  /**
   * The invalidation sequence seen by the lookup that missed: the write is fenced by it. A lease
   * wait that looks again moves it on.
   */
  long sequence;

  volatile long ttlOverride = TTL_UNSET;

  /** How long this call has waited for the store so far (lookups, leases). */
  long storeNanos;

  /** Its write went on depcache's threads, which also release its lease. */
  boolean writtenBehind;

  /** The single flight (and lease) this frame leads, or {@code null}. */
  Lead lead;

  /**
   * Why the result must not be stored; inherited by enclosing frames when dependencies are lost.
   */
  volatile String poisoned;

  /** The frame below this one when the call began: an asynchronous call hands on to it. */
  Frame parent;

  /** Sealed: what is declared from now on cannot reach the entry any more. */
  private boolean sealed;

  /** A store failure under {@code on-error=fail}: the call ends with it. */
  RuntimeException failure;

  Frame(
      ManagerCore manager,
      MethodInfo method,
      String key,
      Class<?> owner,
      ClassLoader loader,
      long sequence) {
    this.manager = manager;
    this.method = method;
    this.key = key;
    this.owner = owner;
    this.loader = loader;
    this.sequence = sequence;
  }

  /**
   * The computation this frame leads in this JVM: waiters of its single flight take its outcome;
   * with leases on, it may also hold the key's lease across JVMs.
   */
  static final class Lead {
    final String flightKey;
    final SingleFlight.Flight flight;

    /** The cross-JVM lease held ({@code depcache.lease.enabled}), or {@code null}. */
    String leaseToken;

    Lead(String flightKey, SingleFlight.Flight flight) {
      this.flightKey = flightKey;
      this.flight = flight;
    }
  }

  /**
   * This call depends on {@code dependency}, read during its own computation.
   *
   * @return {@code false} when the frame is sealed and the dependency was ignored
   */
  synchronized boolean declare(Dependency dependency) {
    if (sealed) {
      return false;
    }
    dependencies.merge(dependency, sequence, Math::min);
    return true;
  }

  synchronized boolean isSealed() {
    return sealed;
  }

  /**
   * Takes in what an inner call contributed, each dependency with the sequence at which it was
   * read, so that a stale inner entry (hit while an invalidation was still removing it) cannot make
   * this call's result stale.
   */
  synchronized boolean consume(EntryDependencies inner) {
    if (sealed) {
      return inner.size() == 0;
    }
    for (int i = 0; i < inner.size(); i++) {
      dependencies.merge(
          new Dependency(inner.manager(i), inner.name(i)), inner.sequence(i), Math::min);
    }
    return true;
  }

  /** Takes in what an inner frame collected, and why it could not be stored. */
  boolean consume(Frame inner) {
    Map<Dependency, Long> collected;
    synchronized (inner) {
      collected = new LinkedHashMap<>(inner.dependencies);
    }
    synchronized (this) {
      if (sealed) {
        return collected.isEmpty();
      }
      collected.forEach((dependency, read) -> dependencies.merge(dependency, read, Math::min));
      if (inner.poisoned != null && poisoned == null) {
        poisoned = "an inner cached call: " + inner.poisoned;
      }
      return true;
    }
  }

  /** What the call depends on so far, in the order declared (the order its entry records). */
  synchronized Set<Dependency> dependencies() {
    return new LinkedHashSet<>(dependencies.keySet());
  }

  /** What the entry records, sealing the frame: nothing declared later reaches it. */
  synchronized EntryDependencies seal() {
    sealed = true;
    return recorded();
  }

  /** What the entry of this call records: each dependency with the sequence it was read at. */
  synchronized EntryDependencies recorded() {
    int n = dependencies.size();
    if (n == 0) {
      return EntryDependencies.NONE;
    }
    String[] managers = new String[n];
    String[] names = new String[n];
    long[] sequences = new long[n];
    int i = 0;
    for (Map.Entry<Dependency, Long> read : dependencies.entrySet()) {
      managers[i] = read.getKey().manager();
      names[i] = read.getKey().name();
      sequences[i++] = read.getValue();
    }
    return EntryDependencies.of(managers, names, sequences);
  }

  String what() {
    return method != null ? method.displayName : "getOrCompute(" + key + ")";
  }
}
