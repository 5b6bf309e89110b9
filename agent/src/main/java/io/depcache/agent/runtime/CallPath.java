package io.depcache.agent.runtime;

import io.depcache.CacheManager;
import io.depcache.DepCacheException;
import io.depcache.agent.serial.Dependency;
import io.depcache.bridge.Dispatcher;
import java.util.ArrayDeque;
import java.util.concurrent.Callable;

/**
 * The call path of cached methods: key, lookup, single flight, frame, store. Advice reaches it
 * through the bridge; {@link CacheManager#getOrCompute} reaches it directly.
 *
 * <p>Every fault here stays here: a cached method whose key, template, serialization or store fails
 * runs its body as if it were not cached, and the problem is logged once.
 */
public final class CallPath implements Dispatcher {
  private static final ClassValue<Class<?>> MANAGER_TYPE =
      new ClassValue<>() {
        @Override
        protected Class<?> computeValue(Class<?> facade) {
          try {
            return facade.getMethod("manager").getReturnType();
          } catch (NoSuchMethodException e) {
            return Void.class;
          }
        }
      };

  private final Managers managers;
  private final MethodRegistry registry;
  private final EntryIo entries;
  private final SingleFlight singleFlight;
  private final Leases leases;
  private final ThreadLocal<ArrayDeque<Frame>> frames = ThreadLocal.withInitial(ArrayDeque::new);
  private final OnceLog once = new OnceLog();
  private final ForeignApi foreign = new ForeignApi();
  private volatile boolean active = true;

  public CallPath(Managers managers, MethodRegistry registry) {
    this.managers = managers;
    this.registry = registry;
    this.entries = new EntryIo(managers);
    this.singleFlight = new SingleFlight(managers.singleFlightWaitMillis());
    this.leases = new Leases(entries, managers.leaseWaitMillis());
    managers.attach(this);
  }

  public void deactivate() {
    active = false;
  }

  // ---- cached methods -------------------------------------------------------------------------

  @Override
  public Object enter(int methodId, Class<?> owner, Object self, Object[] args) {
    try {
      return start(methodId, owner, args);
    } catch (Throwable t) {
      internalError("enter", methodId, t);
      return null;
    }
  }

  private Object start(int methodId, Class<?> owner, Object[] args) {
    MethodInfo method = registry.get(methodId);
    if (!active || method == null || method.problem != null) {
      return null;
    }
    ManagerRuntime manager = managers.get(method.spec.manager());
    ArrayDeque<Frame> stack = frames.get();
    ClassLoader loader = method.loader(owner);
    String key;
    try {
      key = method.key(args);
    } catch (UnstableKeyException | UnresolvableException e) {
      once.warn(
          "key:" + method.id + ":" + e.getMessage(),
          "{}: {}; calls with such an argument run uncached",
          method.spec.signature(),
          e.getMessage());
      // Still a frame, so that the dependencies of this call reach the enclosing cached call.
      Frame frame = new Frame(manager, method, null, owner, loader);
      // It looked nothing up; what it reads is read after the enclosing call began.
      Frame enclosing = stack.peek();
      frame.sequence = enclosing != null ? enclosing.sequence : EntryIo.UNFENCED;
      addTemplateDependencies(frame, args);
      stack.push(frame);
      return frame;
    }
    Frame parent = stack.peek();
    Lookup found;
    try {
      found = entries.lookup(manager, key, method, owner, loader, parent);
    } catch (DepCacheException e) {
      // on-error=fail: the store failed and the user asked for the call to fail with it.
      return new Hit(null, e);
    }
    if (found instanceof Hit hit) {
      return hit;
    }
    Frame frame = new Frame(manager, method, key, owner, loader);
    frame.sequence = Lookup.fence(found);
    addTemplateDependencies(frame, args);
    String flightKey = manager.entryKey(key);
    SingleFlight.Flight flight = singleFlight.lead(flightKey);
    if (flight == null) {
      SingleFlight.Outcome shared = singleFlight.join(flightKey);
      if (shared != null) {
        if (parent != null) {
          parent.consume(shared.dependencies(), shared.sequences());
        }
        return new Hit(
            shared.value(), shared.exception(), shared.dependencies(), shared.sequences());
      }
    } else {
      frame.flight = flight;
      frame.flightKey = flightKey;
      if (leases.enabled() && frame.sequence != EntryIo.UNFENCED) {
        Hit other;
        try {
          other = leases.acquireOrAwait(frame, owner, parent);
        } catch (RuntimeException | Error e) {
          // A flight that never lands would hold its waiters, and every later miss, for wait-ms.
          singleFlight.land(flightKey, flight, null);
          if (e instanceof DepCacheException failure) {
            return new Hit(null, failure); // on-error=fail
          }
          throw e;
        }
        if (other != null) {
          singleFlight.land(
              flightKey,
              flight,
              new SingleFlight.Outcome(
                  other.value(), other.exception(), other.dependencies(), other.sequences()));
          return other;
        }
      }
    }
    stack.push(frame);
    return frame;
  }

  @Override
  public boolean isHit(Object call) {
    return call instanceof Hit;
  }

  @Override
  public Object exit(Object call, Object returned, Throwable thrown) {
    try {
      return finish(call, returned, thrown);
    } catch (Throwable t) {
      internalError("exit", call instanceof Frame f && f.method != null ? f.method.id : -1, t);
      return returned;
    }
  }

  private Object finish(Object call, Object returned, Throwable thrown) {
    if (call instanceof Hit hit) {
      return hit.exception() == null ? hit.value() : returned;
    }
    if (call instanceof Frame frame) {
      pop(frame);
      EntryIo.Written written = EntryIo.Written.SKIPPED;
      try {
        if (frame.flight != null) {
          frame.flight.beginWrite();
        }
        if (frame.key != null && frame.poisoned == null) {
          try {
            written = entries.store(frame, returned, thrown);
          } catch (DepCacheException e) {
            frame.failure = e; // on-error=fail
          }
        }
        handUp(frame);
      } finally {
        if (frame.leaseToken != null) {
          leases.release(frame);
        }
        if (frame.flight != null) {
          singleFlight.land(
              frame.flightKey,
              frame.flight,
              written == EntryIo.Written.REFUSED
                  ? null
                  : new SingleFlight.Outcome(
                      returned,
                      thrown != null ? thrown : frame.failure,
                      frame.dependencyList(),
                      frame.sequences()));
        }
      }
    }
    return returned;
  }

  @Override
  public Throwable thrown(Object call, Throwable thrown) {
    if (call instanceof Hit hit && hit.exception() != null) {
      return hit.exception();
    }
    if (call instanceof Frame frame && frame.failure != null && thrown == null) {
      return frame.failure;
    }
    return thrown;
  }

  /** A bug of ours: logged once per place and method, and the call goes on as if uncached. */
  private void internalError(String where, int methodId, Throwable t) {
    if (t instanceof Error e
        && !(t instanceof LinkageError)
        && !(t instanceof StackOverflowError)) {
      // OutOfMemoryError and the like are the JVM's, not ours: never hide them.
      throw e;
    }
    MethodInfo method = registry.get(methodId);
    String what = method == null ? "a cached call" : method.spec.signature();
    once.error(
        "internal:" + where + ":" + methodId,
        "depcache {} of {} failed; the call runs uncached",
        where,
        what,
        t);
  }

  // ---- invalidating methods ------------------------------------------------------------------

  @Override
  public void invalidate(int invalidationId, Class<?> owner, Object[] args, Object returned) {
    try {
      Invalidation invalidation = registry.invalidation(invalidationId);
      if (active && invalidation != null && invalidation.problem == null) {
        invalidation.run(managers, args, returned);
      }
    } catch (Throwable t) {
      internalError("invalidation", -1, t);
    }
  }

  // ---- the facade -----------------------------------------------------------------------------

  @Override
  public void addDependency(String dependency, String manager) {
    Frame frame = frames.get().peek();
    if (frame == null) {
      return;
    }
    if (dependency == null || dependency.isEmpty()) {
      once.warn(
          "empty-dependency:" + frame.what(),
          "DepCache.addDependency called with {} in {}; ignored",
          dependency == null ? "null" : "an empty string",
          frame.what());
      return;
    }
    String managerName = manager == null || manager.isEmpty() ? frame.manager.name() : manager;
    frame.declare(new Dependency(managerName, dependency));
  }

  @Override
  public String currentCacheKey() {
    Frame frame = frames.get().peek();
    return frame == null ? null : frame.key;
  }

  @Override
  public void setTtl(long seconds) {
    Frame frame = frames.get().peek();
    if (frame == null) {
      return;
    }
    if (seconds < 0) {
      once.warn(
          "setTtl:" + frame.what(),
          "DepCache.setTtl({}) in {}: expected 0 (never expires) or a positive number of"
              + " seconds; ignored",
          seconds,
          frame.what());
      return;
    }
    frame.ttlOverride = seconds;
  }

  @Override
  public boolean isActive() {
    return active;
  }

  @Override
  public Object manager(String name, Class<?> facade) {
    CacheManager manager;
    try {
      manager = managers.get(name);
    } catch (IllegalArgumentException e) {
      once.error(
          "manager:" + name, "DepCache.manager: {}; returning a disabled manager", e.getMessage());
      return null;
    }
    return facade == null || MANAGER_TYPE.get(facade).isInstance(manager)
        ? manager
        : foreign.manager(manager, facade);
  }

  // ---- getOrCompute ---------------------------------------------------------------------------

  <T> T compute(ManagerRuntime manager, String key, long ttlSeconds, Callable<T> loader) {
    ArrayDeque<Frame> stack = frames.get();
    ClassLoader classLoader = Thread.currentThread().getContextClassLoader();
    Lookup found = entries.lookup(manager, key, null, null, classLoader, stack.peek());
    if (found instanceof Hit hit) {
      @SuppressWarnings("unchecked")
      T value = (T) hit.value();
      return value;
    }
    Frame frame = new Frame(manager, null, key, null, classLoader);
    frame.sequence = Lookup.fence(found);
    if (ttlSeconds >= 0) {
      frame.ttlOverride = ttlSeconds;
    }
    stack.push(frame);
    T value = null;
    Throwable thrown = null;
    try {
      value = loader.call();
    } catch (RuntimeException | Error e) {
      thrown = e;
    } catch (Exception e) {
      thrown = new DepCacheException("the loader of key '" + key + "' failed", e);
    }
    exit(frame, value, thrown);
    if (thrown == null) {
      thrown = frame.failure;
    }
    if (thrown instanceof RuntimeException e) {
      throw e;
    }
    if (thrown instanceof Error e) {
      throw e;
    }
    return value;
  }

  // ---- the parts ------------------------------------------------------------------------------

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

  private void pop(Frame frame) {
    ArrayDeque<Frame> stack = frames.get();
    // Exit advice always runs, so the frame is on top; the loop only guards against a frame
    // left behind by code that escaped our advice (e.g. a class retransformed mid-call).
    while (!stack.isEmpty()) {
      if (stack.pop() == frame) {
        return;
      }
    }
  }

  private void handUp(Frame frame) {
    Frame parent = frames.get().peek();
    if (parent == null) {
      return;
    }
    parent.consume(frame.dependencies);
    if (frame.poisoned != null && parent.poisoned == null) {
      parent.poisoned = "an inner cached call: " + frame.poisoned;
    }
  }
}
