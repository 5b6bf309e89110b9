package io.depcache.agent.runtime;

import io.depcache.CacheManager;
import io.depcache.bridge.Dispatcher;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What advice reaches through the bridge: the start and end of cached calls ({@link CachedCalls}),
 * invalidating methods, and {@code DepCache}'s operations on the current call and its managers.
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
  private final Frames frames = new Frames();
  private final CachedCalls calls;
  private final GetOrCompute getOrCompute;
  private final Map<String, ManagerRuntime> facades = new ConcurrentHashMap<>();
  private final OnceLog once = new OnceLog();
  private final ForeignApi foreign = new ForeignApi();
  private volatile boolean active = true;

  public CallPath(Managers managers, MethodRegistry registry) {
    this.managers = managers;
    this.registry = registry;
    EntryIo entries = new EntryIo(managers);
    this.calls = new CachedCalls(managers, frames, entries);
    this.getOrCompute = new GetOrCompute(frames, entries, calls);
  }

  public void deactivate() {
    active = false;
  }

  // ---- cached methods -------------------------------------------------------------------------

  @Override
  public Object enter(int methodId, Class<?> owner, Object self, Object[] args) {
    try {
      MethodInfo method = registry.get(methodId);
      if (!active || method == null || method.problem != null) {
        return null;
      }
      return calls.start(method, owner, args);
    } catch (Throwable t) {
      internalError("enter", methodId, t);
      return null;
    }
  }

  @Override
  public Object enter0(int methodId, Class<?> owner) {
    return enterEach(methodId, owner, 0, null, null, null);
  }

  @Override
  public Object enter1(int methodId, Class<?> owner, Object a0) {
    return enterEach(methodId, owner, 1, a0, null, null);
  }

  @Override
  public Object enter2(int methodId, Class<?> owner, Object a0, Object a1) {
    return enterEach(methodId, owner, 2, a0, a1, null);
  }

  @Override
  public Object enter3(int methodId, Class<?> owner, Object a0, Object a1, Object a2) {
    return enterEach(methodId, owner, 3, a0, a1, a2);
  }

  private Object enterEach(int methodId, Class<?> owner, int n, Object a0, Object a1, Object a2) {
    try {
      MethodInfo method = registry.get(methodId);
      if (!active || method == null || method.problem != null) {
        return null;
      }
      return calls.start(method, owner, n, a0, a1, a2);
    } catch (Throwable t) {
      internalError("enter", methodId, t);
      return null;
    }
  }

  @Override
  public Object enterLong(int methodId, Class<?> owner, long a0) {
    try {
      MethodInfo method = registry.get(methodId);
      if (!active || method == null || method.problem != null) {
        return null;
      }
      return calls.start(method, owner, a0);
    } catch (Throwable t) {
      internalError("enter", methodId, t);
      return null;
    }
  }

  @Override
  public boolean isHit(Object call) {
    return call instanceof Hit;
  }

  @Override
  public Object exit(Object call, Object returned, Throwable thrown) {
    try {
      if (call instanceof Hit hit) {
        return hit.exception() == null ? hit.value() : returned;
      }
      if (call instanceof Frame frame) {
        return calls.finish(frame, returned, thrown);
      }
    } catch (Throwable t) {
      internalError("exit", call instanceof Frame f && f.method != null ? f.method.id : -1, t);
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
    Frame frame = frames.current();
    if (frame != null) {
      declare(frame, dependency, manager);
    }
  }

  private void declare(Frame frame, String dependency, String manager) {
    if (dependency == null || dependency.isEmpty()) {
      once.warn(
          "empty-dependency:" + frame.what(),
          "DepCache.addDependency called with {} in {}; ignored",
          dependency == null ? "null" : "an empty string",
          frame.what());
      return;
    }
    String managerName = manager == null || manager.isEmpty() ? frame.manager.name() : manager;
    if (!frame.declare(new Dependency(managerName, dependency))) {
      once.warn(
          "late-dependency:" + frame.what(),
          "{}: dependency '{}' was declared after the call's value was stored; it is ignored"
              + " (declare dependencies before the call returns, or before its future completes)",
          frame.what(),
          LogText.key(dependency));
    }
  }

  @Override
  public String currentCacheKey() {
    Frame frame = frames.current();
    return frame == null ? null : frame.key;
  }

  @Override
  public void setTtl(long seconds) {
    Frame frame = frames.current();
    if (frame != null) {
      setTtl(frame, seconds);
    }
  }

  private void setTtl(Frame frame, long seconds) {
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

  // ---- the context of a cached call on other threads ------------------------------------------

  @Override
  public Object currentContext() {
    return frames.current();
  }

  @Override
  public Object enterContext(Object context) {
    if (context instanceof Frame frame) {
      frames.carry(frame);
      return frame;
    }
    return null;
  }

  @Override
  public void exitContext(Object token) {
    if (token instanceof Frame frame) {
      frames.drop(frame);
    }
  }

  @Override
  public boolean contextActive(Object context) {
    return active && context instanceof Frame frame && !frame.isSealed();
  }

  @Override
  public void contextAddDependency(Object context, String dependency, String manager) {
    if (context instanceof Frame frame) {
      declare(frame, dependency, manager);
    }
  }

  @Override
  public void contextSetTtl(Object context, long seconds) {
    if (context instanceof Frame frame) {
      setTtl(frame, seconds);
    }
  }

  @Override
  public String contextKey(Object context) {
    return context instanceof Frame frame ? frame.key : null;
  }

  @Override
  public Object manager(String name, Class<?> facade) {
    CacheManager manager;
    try {
      manager = facade(name);
    } catch (IllegalArgumentException e) {
      once.error(
          "manager:" + name, "DepCache.manager: {}; returning a disabled manager", e.getMessage());
      return null;
    }
    return facade == null || MANAGER_TYPE.get(facade).isInstance(manager)
        ? manager
        : foreign.manager(manager, facade);
  }

  /** The public manager of that name, created on first use. */
  private ManagerRuntime facade(String name) {
    ManagerCore core = managers.core(name);
    ManagerRuntime facade = facades.get(core.name());
    return facade != null
        ? facade
        : facades.computeIfAbsent(
            core.name(), n -> new ManagerRuntime(core, getOrCompute, managers.asyncExecutor()));
  }
}
