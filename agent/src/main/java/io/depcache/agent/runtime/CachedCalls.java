package io.depcache.agent.runtime;

import io.depcache.CacheLevel;
import io.depcache.DepCacheException;
import io.depcache.agent.serial.EntryDependencies;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The start and the end of a cached call: key, lookup, single flight and lease at the start; the
 * fenced write, the hand-over of dependencies and the landing of the flight at the end.
 *
 * <p>An asynchronous call (its method returns a future, a Mono or a Flux) ends twice. When its
 * method returns, its frame leaves the thread's stack and the caller gets a result of its own; when
 * what the body returned completes, the value is encoded, the flight lands, the dependencies pass
 * to the enclosing call, the caller's result completes, and the write goes on depcache's threads.
 * The fence is the lookup's, so it spans the whole computation. Such a call takes no lease (waiting
 * for one would block the caller), and a Mono or Flux, which computes only when subscribed, leads
 * no flight (waiters would wait on a subscription that may never come).
 */
final class CachedCalls {
  private final Managers managers;
  private final Frames frames;
  private final EntryIo entries;
  private final SingleFlight singleFlight;
  private final Leases leases;
  private final OnceLog once = new OnceLog();
  private final Executor behind;

  /**
   * How many writes may go on behind their calls at once: each holds an encoded entry, so a slow
   * store must not make them pile up. Beyond it, a value computed after a slow lookup is not
   * cached.
   */
  static final int MAX_WRITES_BEHIND = 64;

  private final Semaphore writesBehind = new Semaphore(MAX_WRITES_BEHIND);

  /** A write after a lookup that took longer than this may go on behind the call. */
  private static final long INLINE_WRITE_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

  CachedCalls(Managers managers, Frames frames, EntryIo entries) {
    this.managers = managers;
    this.frames = frames;
    this.entries = entries;
    this.singleFlight = new SingleFlight(managers.singleFlightWaitMillis());
    this.leases = new Leases(entries, managers.leaseWaitMillis());
    this.behind = managers.asyncExecutor();
  }

  /**
   * Starts a call of a cached method.
   *
   * @return a {@link Hit} that answers it, or the {@link Frame} of its computation
   */
  Call start(MethodInfo method, Class<?> owner, Object[] args) {
    if (!managerOf(method).enabled) {
      return null; // turned off through JMX: no key is rendered, the body runs as if uncached
    }
    String key;
    RuntimeException unkeyed = null;
    try {
      key = method.key(args);
    } catch (UnstableKeyException | UnresolvableException e) {
      key = null;
      unkeyed = e;
    }
    return start(method, owner, key, unkeyed, args, 0, null, null, null, 0);
  }

  /**
   * {@link #start(MethodInfo, Class, Object[])} of a call of an enabled manager (each public start
   * checks that first) whose key is {@code key}, or could not be made ({@code unkeyed}). Its
   * arguments are {@code args}, or when that is {@code null} the first {@code n} (up to three) of
   * {@code a0, a1, a2}, or when {@code n} is {@code -1} the one {@code long} or {@code int} {@code
   * l0}: a hit needs no array of them, nor a box, only a miss (for its templates' dependencies)
   * does.
   */
  private Call start(
      MethodInfo method,
      Class<?> owner,
      String key,
      RuntimeException unkeyed,
      Object[] args,
      int n,
      Object a0,
      Object a1,
      Object a2,
      long l0) {
    ManagerCore manager = managerOf(method);
    ClassLoader loader = method.loader(owner);
    Frame parent = frames.current();
    if (unkeyed != null) {
      once.warn(
          "key:" + method.id + ":" + unkeyed.getMessage(),
          "{}: {}; calls with such an argument run uncached",
          method.spec.signature(),
          unkeyed.getMessage());
      // Still a frame, so that the dependencies of this call reach the enclosing cached call. It
      // looked nothing up: what it reads is read after the enclosing call began.
      Frame frame =
          new Frame(
              manager,
              method,
              null,
              owner,
              loader,
              parent != null ? parent.sequence : Lookup.UNFENCED);
      frame.parent = parent;
      addTemplateDependencies(frame, args != null ? args : arguments(method, n, a0, a1, a2, l0));
      frames.push(frame);
      return frame;
    }
    Lookup found;
    long asked = 0;
    try {
      // a near hit first, untimed: the clock is read only for lookups that make a round trip
      found = entries.nearLookup(manager, key, method, owner, loader, parent);
      if (found == null) {
        asked = System.nanoTime();
        found = entries.lookup(manager, key, method, owner, loader, parent);
      }
    } catch (DepCacheException e) {
      // on-error=fail: the store failed and the user asked for the call to fail with it.
      RuntimeException theirs = CallerException.of(e, owner);
      return method.async.isAsync()
          ? new Hit(method.async.failed(theirs, method.returnType(owner)), null)
          : new Hit(null, theirs);
    }
    if (found instanceof Hit hit) {
      // a near hit was counted where it was found, once for the method, manager and store
      if (hit.level() != CacheLevel.NEAR) {
        method.stats.hit(System.nanoTime() - asked);
      }
      return method.async.isAsync() ? asynchronous(hit, method, owner) : hit;
    }
    method.stats.miss();
    if (Lookup.fence(found) == Lookup.UNFENCED) {
      method.stats.error();
    }
    Frame frame = new Frame(manager, method, key, owner, loader, Lookup.fence(found));
    frame.parent = parent;
    frame.storeNanos = System.nanoTime() - asked;
    addTemplateDependencies(frame, args != null ? args : arguments(method, n, a0, a1, a2, l0));
    Call led = lead(frame, parent);
    if (led != frame) {
      return led;
    }
    frames.push(frame);
    return frame;
  }

  /**
   * {@link #start} of a call of {@code n} arguments (up to three) given one by one: a near hit of a
   * remembered key allocates no array of them.
   */
  Call start(MethodInfo method, Class<?> owner, int n, Object a0, Object a1, Object a2) {
    if (!managerOf(method).enabled) {
      return null; // as start(Object[])
    }
    String known = method.knownKey(n, a0, a1, a2);
    Call near = nearStart(method, owner, known);
    if (near != null) {
      return near;
    }
    if (known != null) {
      return start(method, owner, known, null, null, n, a0, a1, a2, 0);
    }
    // renders the key, and remembers it
    return start(method, owner, arguments(method, n, a0, a1, a2, 0));
  }

  /** {@link #start} of a call whose one argument is a {@code long} or an {@code int}, unboxed. */
  Call start(MethodInfo method, Class<?> owner, long a0) {
    if (!managerOf(method).enabled) {
      return null; // as start(Object[])
    }
    String key;
    RuntimeException unkeyed = null;
    try {
      key = method.key(a0);
    } catch (UnstableKeyException | UnresolvableException e) {
      key = null;
      unkeyed = e;
    }
    Call near = nearStart(method, owner, key);
    return near != null ? near : start(method, owner, key, unkeyed, null, -1, null, null, null, a0);
  }

  private static Object[] arguments(
      MethodInfo method, int n, Object a0, Object a1, Object a2, long l0) {
    return switch (n) {
      case -1 -> new Object[] {method.argument(l0)};
      case 0 -> new Object[0];
      case 1 -> new Object[] {a0};
      case 2 -> new Object[] {a0, a1};
      default -> new Object[] {a0, a1, a2};
    };
  }

  /**
   * The method's manager, found by name and monitored at the method's first call, then kept in the
   * method: managers are never replaced while the agent is installed, and a method belongs to one
   * installation's registry.
   */
  private ManagerCore managerOf(MethodInfo method) {
    ManagerCore manager = method.manager;
    if (manager == null) {
      manager = managers.core(method.spec.manager());
      managers.monitor(manager, method);
      method.manager = manager; // racy, harmlessly: every thread finds the same manager
    }
    return manager;
  }

  /**
   * The near hit of a call of an enabled manager whose key is known, or {@code null}: the caller
   * then starts it as any other call, which asks the near cache again (a near miss is followed by a
   * round trip anyway).
   */
  private Call nearStart(MethodInfo method, Class<?> owner, String key) {
    if (key == null) {
      return null;
    }
    ManagerCore manager = managerOf(method);
    if (!manager.config.nearCache()) {
      return null;
    }
    Hit hit;
    try {
      hit = entries.nearLookup(manager, key, method, owner, method.loader(owner), frames.current());
    } catch (DepCacheException e) {
      return null; // on-error=fail: the start that follows meets it again, and fails the call
    }
    if (hit == null) {
      return null;
    }
    return method.async.isAsync() ? asynchronous(hit, method, owner) : hit;
  }

  /**
   * Leads the computation of the frame's key in this JVM, and with leases across JVMs, or takes the
   * outcome of the computation that another thread or JVM leads.
   *
   * @return {@code frame} when it computes, else the hit that answers it
   */
  private Call lead(Frame frame, Frame parent) {
    if (frame.method.async.isAsync()) {
      return leadAsync(frame, parent);
    }
    String flightKey = flightKey(frame);
    SingleFlight.Flight flight = singleFlight.lead(flightKey, frame.sequence);
    if (flight == null) {
      SingleFlight.Outcome shared = singleFlight.join(flightKey, frame.sequence);
      if (shared == null) {
        return frame;
      }
      if (parent != null) {
        parent.consume(shared.dependencies());
      }
      return new Hit(shared.value(), shared.exception(), shared.dependencies());
    }
    frame.lead = new Frame.Lead(flightKey, flight);
    if (!leases.enabled() || frame.sequence == Lookup.UNFENCED) {
      return frame;
    }
    Hit other;
    long asked = System.nanoTime();
    try {
      other = leases.acquireOrAwait(frame, parent);
      frame.storeNanos += System.nanoTime() - asked;
    } catch (RuntimeException | Error e) {
      // A flight that never lands would hold its waiters, and every later miss, for wait-ms.
      singleFlight.land(flightKey, flight, null);
      if (e instanceof DepCacheException failure) {
        return new Hit(null, CallerException.of(failure, frame.owner)); // on-error=fail
      }
      throw e;
    }
    if (other == null) {
      return frame;
    }
    singleFlight.land(
        flightKey,
        flight,
        new SingleFlight.Outcome(other.value(), other.exception(), other.dependencies()));
    return other;
  }

  /** A hit of an asynchronous method: a new completed result, or one failed with the exception. */
  private static Hit asynchronous(Hit hit, MethodInfo method, Class<?> owner) {
    Class<?> type = method.returnType(owner);
    Object result =
        hit.exception() != null
            ? method.async.failed(hit.exception(), type)
            : method.async.completed(hit.value(), type);
    return new Hit(result, null, hit.dependencies(), hit.level());
  }

  /**
   * Leads an asynchronous computation in this JVM, or joins one whose lookup saw the same sequence
   * without waiting for it: the caller gets a result of its own that completes with its outcome.
   */
  private Call leadAsync(Frame frame, Frame parent) {
    if (frame.method.async != Async.FUTURE || frame.sequence == Lookup.UNFENCED) {
      return frame;
    }
    String flightKey = flightKey(frame);
    SingleFlight.Flight flight = singleFlight.leadAsync(flightKey, frame.sequence);
    if (flight != null) {
      frame.lead = new Frame.Lead(flightKey, flight);
      return frame;
    }
    CompletableFuture<SingleFlight.Outcome> shared =
        singleFlight.joinAsync(flightKey, frame.sequence);
    if (shared == null) {
      return frame; // computes for itself, leading nothing
    }
    CompletableFuture<Object> outcome = new CompletableFuture<>();
    shared.whenComplete(
        (landed, never) -> {
          if (parent != null) {
            parent.consume(landed.dependencies());
          }
          Object saved = frames.only(parent);
          try {
            if (landed.exception() != null) {
              outcome.completeExceptionally(landed.exception());
            } else {
              outcome.complete(landed.value());
            }
          } finally {
            frames.restore(saved);
          }
        });
    return new Hit(
        frame.method.async.following(outcome, frame.method.returnType(frame.owner)), null);
  }

  /**
   * Ends a computed call: stores its outcome unless a fence refuses it, hands its dependencies to
   * the enclosing call, gives up its lease and lands its flight. The call of a method that returns
   * a future, a Mono or a Flux ends when that completes.
   *
   * @return what the call returns: {@code returned}, or a result of the caller's own
   */
  Object finish(Frame frame, Object returned, Throwable thrown) {
    if (thrown == null && frame.method != null && frame.method.async.isAsync()) {
      Object following = finishLater(frame, returned);
      if (following != null) {
        return following;
      }
    }
    finishNow(frame, returned, thrown);
    return returned;
  }

  /**
   * Ends the method of an asynchronous call: its computation goes on.
   *
   * @return the caller's result, or {@code null} when {@code returned} is no result to wait for
   */
  private Object finishLater(Frame frame, Object returned) {
    Async async = frame.method.async;
    CompletableFuture<Object> outcome = new CompletableFuture<>();
    Class<?> type = frame.method.returnType(frame.owner);
    if (async == Async.FUTURE) {
      CompletionStage<Object> stage = Async.stageOf(returned);
      if (stage == null) {
        return null;
      }
      frames.drop(frame); // the computation goes on: nothing is handed on yet
      stage.whenComplete((value, failure) -> completed(frame, value, failure, outcome));
      return async.following(outcome, type);
    }
    if (returned == null || !type.isInstance(returned)) {
      return null;
    }
    Reactor reactor = Reactor.of(type);
    frames.drop(frame); // the computation goes on: nothing is handed on yet
    AtomicBoolean subscribed = new AtomicBoolean();
    Runnable firstSubscription =
        () -> {
          if (!subscribed.compareAndSet(false, true)) {
            return;
          }
          CompletionStage<Object> stage;
          // Subscribing runs the body's publisher up to its first hop to another thread here:
          // with the call's context current, and carried on by those hops.
          frames.carry(frame);
          try {
            stage = reactor.subscribe(async, returned);
          } catch (RuntimeException e) {
            completed(frame, null, e, outcome);
            return;
          } finally {
            frames.drop(frame);
          }
          stage.whenComplete((value, failure) -> completed(frame, value, failure, outcome));
        };
    return reactor.deferred(async, firstSubscription, outcome);
  }

  /**
   * What completes an asynchronous call: its value is encoded here (its caller gets it next, and
   * may change it), then the flight lands, the enclosing call takes the dependencies, the caller's
   * result completes, and the write goes on depcache's threads.
   */
  private void completed(
      Frame frame, Object value, Throwable failure, CompletableFuture<Object> outcome) {
    Throwable thrown = failure == null ? null : Async.unwrap(failure);
    if (frame.method != null && frame.key != null) {
      frame.method.stats.computed(System.nanoTime() - frame.startedNanos);
    }
    try {
      EntryDependencies recorded = frame.seal();
      if (frame.parent != null) {
        frame.parent.consume(frame);
      }
      Object prepared = Written.SKIPPED;
      if (frame.key != null && frame.poisoned == null) {
        prepared = entries.prepare(frame, recorded, value, thrown);
      }
      // The flight lands once the write did: a caller that looks up in between joins it rather
      // than computing again.
      Frame.Lead lead = frame.lead;
      Runnable land =
          lead == null
              ? () -> {}
              : () ->
                  singleFlight.land(
                      lead.flightKey,
                      lead.flight,
                      new SingleFlight.Outcome(value, thrown, recorded));
      if (prepared instanceof EntryIo.Write write) {
        writeBehind(write, land);
      } else {
        land.run();
      }
    } catch (RuntimeException | LinkageError | StackOverflowError e) {
      once.error(
          "async-end:" + frame.what(),
          "depcache: ending the asynchronous call {} failed; its value is not cached",
          frame.what(),
          e);
    } finally {
      // What the caller chained to its result runs here, or is submitted from here: in the context
      // the call was made in.
      Object saved = frames.only(frame.parent);
      try {
        if (thrown != null) {
          outcome.completeExceptionally(thrown);
        } else {
          outcome.complete(value);
        }
      } finally {
        frames.restore(saved);
      }
    }
  }

  /**
   * A write of an asynchronous call, on depcache's threads, then {@code then}; skipped when too
   * many wait.
   */
  private void writeBehind(EntryIo.Write write, Runnable then) {
    if (!writesBehind.tryAcquire()) {
      then.run();
      return;
    }
    try {
      behind.execute(
          () -> {
            try {
              write.run();
            } catch (RuntimeException e) {
              // on-error=fail has no caller left to fail: the store's failure is logged there
            } finally {
              writesBehind.release();
              then.run();
            }
          });
    } catch (RejectedExecutionException e) {
      writesBehind.release(); // shutting down
      then.run();
    }
  }

  private void finishNow(Frame frame, Object returned, Throwable thrown) {
    frames.end(frame);
    if (frame.method != null && frame.key != null) {
      frame.method.stats.computed(System.nanoTime() - frame.startedNanos);
    }
    Frame.Lead lead = frame.lead;
    EntryDependencies recorded = frame.seal();
    Written written = Written.SKIPPED;
    try {
      if (lead != null) {
        lead.flight.beginWrite();
      }
      if (frame.key != null && frame.poisoned == null) {
        try {
          written = store(frame, recorded, returned, thrown);
        } catch (DepCacheException e) {
          frame.failure = CallerException.of(e, frame.owner); // on-error=fail
        }
      }
    } finally {
      // A write that went behind the call releases the lease and lands the flight itself, once
      // it is done: a caller that looks up in between joins rather than computing again.
      if (lead != null && frame.writtenBehind) {
        // The same thread may call again before the write lands: it may wait for it then.
        lead.flight.ownerReturned = true;
      }
      if (lead != null && !frame.writtenBehind) {
        leases.release(frame);
        singleFlight.land(
            lead.flightKey,
            lead.flight,
            written == Written.REFUSED
                ? null
                : new SingleFlight.Outcome(
                    returned, thrown != null ? thrown : frame.failure, recorded));
      }
    }
  }

  /**
   * Writes the outcome within what is left of the call's time with the store: a call waits for the
   * store at most about {@code depcache.redis.timeout-ms} in all. A write after a lookup that was
   * quick runs here; after a slow one it runs on depcache's threads, and the call waits for it only
   * as long as the timeout leaves, then returns while it goes on (its lease is released after it).
   * With {@code on-error=fail} the call always waits, to fail with it.
   */
  private Written store(
      Frame frame, EntryDependencies recorded, Object returned, Throwable thrown) {
    ManagerCore manager = frame.manager;
    if (frame.storeNanos <= INLINE_WRITE_NANOS || manager.config.failOnError()) {
      return entries.store(frame, recorded, returned, thrown);
    }
    // Encoded here: once the call returns, its caller may change the value.
    Object prepared = entries.prepare(frame, recorded, returned, thrown);
    if (!(prepared instanceof EntryIo.Write write)) {
      return (Written) prepared;
    }
    long left = TimeUnit.MILLISECONDS.toNanos(manager.config.timeoutMs()) - frame.storeNanos;
    if (!writesBehind.tryAcquire()) {
      // As many writes as allowed already wait for a slow store: this value is not cached.
      return Written.SKIPPED;
    }
    CompletableFuture<Written> behindTheCall;
    try {
      behindTheCall =
          CompletableFuture.supplyAsync(
              () -> {
                Written landed = Written.REFUSED;
                try {
                  landed = write.run();
                  return landed;
                } finally {
                  writesBehind.release();
                  leases.release(frame);
                  Frame.Lead lead = frame.lead;
                  if (lead != null) {
                    singleFlight.land(
                        lead.flightKey,
                        lead.flight,
                        landed == Written.WRITTEN
                            ? new SingleFlight.Outcome(returned, thrown, recorded)
                            : null);
                  }
                }
              },
              behind);
    } catch (RejectedExecutionException e) {
      writesBehind.release();
      return write.run(); // shutting down
    }
    frame.writtenBehind = true;
    try {
      return behindTheCall.get(Math.max(0, left), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      return Written.BEHIND;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Written.BEHIND;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException failure) {
        throw failure;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  private void addTemplateDependencies(Frame frame, Object[] args) {
    MethodInfo method = frame.method;
    String manager = frame.manager.name();
    for (Template template : method.dependencyTemplates) {
      try {
        template.expand(args, null, dep -> frame.declare(new Dependency(manager, dep)));
      } catch (UnstableKeyException | UnresolvableException e) {
        once.error(
            "template:" + method.id + ":" + template,
            "{}: dependency template '{}' cannot be resolved: {}; such calls run uncached",
            method.spec.signature(),
            template,
            e.getMessage());
        frame.poisoned = "dependency template '" + template + "' cannot be resolved";
      }
    }
  }

  /**
   * Which calls share one computation: those of one entry key from one class. Two web applications
   * that run the same class (each its own copy, another class of the same name) share the entry in
   * Redis, each decoding it in its own classes, but never a computation: a waiter would get the
   * other's value, an object of classes it cannot use.
   */
  private static String flightKey(Frame frame) {
    String entryKey = frame.manager.entryKey(frame.key);
    return frame.owner == null ? entryKey : entryKey + OWNER_IDS.get(frame.owner);
  }

  /** Tells apart classes of the same name in different loaders, for {@link #flightKey}. */
  private static final ClassValue<String> OWNER_IDS =
      new ClassValue<>() {
        private final java.util.concurrent.atomic.AtomicLong next =
            new java.util.concurrent.atomic.AtomicLong();

        @Override
        protected String computeValue(Class<?> owner) {
          return "\u0000" + next.incrementAndGet();
        }
      };
}
