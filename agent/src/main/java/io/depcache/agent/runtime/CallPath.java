package io.depcache.agent.runtime;

import io.depcache.CacheEventType;
import io.depcache.CacheManager;
import io.depcache.DepCacheException;
import io.depcache.agent.serial.CorruptEntryException;
import io.depcache.agent.serial.Dependency;
import io.depcache.agent.serial.EntryCodec;
import io.depcache.agent.serial.NotSerializableValueException;
import io.depcache.agent.serial.StoredEntry;
import io.depcache.bridge.Dispatcher;
import java.lang.reflect.Constructor;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * The call path of cached methods: key, lookup, frame, store. Advice reaches it through the bridge;
 * {@link CacheManager#getOrCompute} reaches it directly.
 *
 * <p>Every fault here stays here: a cached method whose key, template, serialization or store fails
 * runs its body as if it were not cached, and the problem is logged once.
 */
public final class CallPath implements Dispatcher {
  private final Managers managers;
  private final MethodRegistry registry;
  private final ThreadLocal<ArrayDeque<Frame>> frames = ThreadLocal.withInitial(ArrayDeque::new);
  private final OnceLog once = new OnceLog();
  private volatile boolean active = true;

  public CallPath(Managers managers, MethodRegistry registry) {
    this.managers = managers;
    this.registry = registry;
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
      addTemplateDependencies(frame, args);
      stack.push(frame);
      return frame;
    }
    Frame parent = stack.peek();
    Hit hit;
    try {
      hit = lookup(manager, key, method, owner, loader, parent);
    } catch (DepCacheException e) {
      // on-error=fail: the store failed and the user asked for the call to fail with it.
      return new Hit(null, e);
    }
    if (hit != null) {
      return hit;
    }
    Frame frame = new Frame(manager, method, key, owner, loader);
    addTemplateDependencies(frame, args);
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

  /** A bug of ours: logged once per place and method, and the call goes on as if uncached. */
  private void internalError(String where, int methodId, Throwable t) {
    MethodInfo method = registry.get(methodId);
    String what = method == null ? "a cached call" : method.spec.signature();
    if (t instanceof Error e
        && !(t instanceof LinkageError)
        && !(t instanceof StackOverflowError)) {
      // OutOfMemoryError and the like are the JVM's, not ours: never hide them.
      throw e;
    }
    once.error(
        "internal:" + where + ":" + methodId,
        "depcache {} of {} failed; the call runs" + " uncached",
        where,
        what,
        t);
  }

  private Object finish(Object call, Object returned, Throwable thrown) {
    if (call instanceof Hit hit) {
      return hit.exception() == null ? hit.value() : returned;
    }
    if (call instanceof Frame frame) {
      pop(frame);
      if (frame.key != null && frame.poisoned == null) {
        try {
          store(frame, returned, thrown);
        } catch (DepCacheException e) {
          frame.failure = e; // on-error=fail
        }
      }
      handUp(frame);
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
    frame.dependencies.add(new Dependency(managerName, dependency));
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
    return facade == null || MANAGER_TYPE.get(facade).isInstance(manager) ? manager : null;
  }

  // ---- getOrCompute ---------------------------------------------------------------------------

  <T> T compute(ManagerRuntime manager, String key, long ttlSeconds, Callable<T> loader) {
    ArrayDeque<Frame> stack = frames.get();
    ClassLoader classLoader = Thread.currentThread().getContextClassLoader();
    Hit hit = lookup(manager, key, null, null, classLoader, stack.peek());
    if (hit != null) {
      @SuppressWarnings("unchecked")
      T value = (T) hit.value();
      return value;
    }
    Frame frame = new Frame(manager, null, key, null, classLoader);
    if (ttlSeconds >= 0) {
      frame.ttlOverride = ttlSeconds;
    }
    stack.push(frame);
    T value = null;
    Throwable thrown = null;
    try {
      value = loader.call();
      return value;
    } catch (RuntimeException | Error e) {
      thrown = e;
      throw e;
    } catch (Exception e) {
      thrown = e;
      throw new DepCacheException("the loader of key '" + key + "' failed", e);
    } finally {
      exit(frame, value, thrown);
      if (frame.failure != null && thrown == null) {
        throw frame.failure;
      }
    }
  }

  // ---- the parts ------------------------------------------------------------------------------

  private Hit lookup(
      ManagerRuntime manager,
      String key,
      MethodInfo method,
      Class<?> owner,
      ClassLoader loader,
      Frame parent) {
    String methodName = method == null ? null : method.spec.displayName();
    byte[] raw = manager.guard("get", key, () -> manager.store.get(manager.entryKey(key)), null);
    if (raw != null) {
      try {
        StoredEntry entry = EntryCodec.decode(raw, manager.serializer, loader);
        Hit hit = toHit(entry, method, owner, loader);
        if (parent != null) {
          parent.dependencies.addAll(entry.dependencies());
        }
        if (manager.events.wants(CacheEventType.HIT)) {
          manager.events.fire(
              CacheEventType.HIT,
              key,
              methodName,
              ManagerRuntime.names(entry.dependencies()),
              -1,
              1);
        }
        return hit;
      } catch (CorruptEntryException e) {
        manager.discardCorrupt(key, methodName, e);
      }
    }
    manager.events.fire(CacheEventType.MISS, key, methodName, null, -1, 0);
    return null;
  }

  private Hit toHit(StoredEntry entry, MethodInfo method, Class<?> owner, ClassLoader loader) {
    switch (entry.kind()) {
      case NULL:
        if (method != null && method.primitiveReturn()) {
          throw new CorruptEntryException("a null entry for a method returning a primitive");
        }
        return new Hit(null, null);
      case EXCEPTION:
        return new Hit(null, rebuild(entry, method, loader));
      case OPTIONAL_EMPTY:
        return new Hit(Optional.empty(), null);
      case OPTIONAL:
        return new Hit(Optional.of(entry.value()), null);
      default:
        Object value = entry.value();
        if (method != null && value != null && !method.boxedReturnType(owner).isInstance(value)) {
          throw new CorruptEntryException(
              "the entry holds a "
                  + value.getClass().getName()
                  + " but the method returns "
                  + method.spec.returnTypeName());
        }
        return new Hit(value, null);
    }
  }

  /** A cached exception comes back as a new instance of the same type with the same message. */
  private static Throwable rebuild(StoredEntry entry, MethodInfo method, ClassLoader loader) {
    try {
      Class<?> type = Class.forName(entry.exceptionClass(), false, loader);
      if (!Throwable.class.isAssignableFrom(type)
          || method == null
          || !method.spec.cacheExceptions().contains(type.getName())) {
        throw new CorruptEntryException(entry.exceptionClass() + " is not a cached exception here");
      }
      try {
        Constructor<?> withMessage = type.getConstructor(String.class);
        return (Throwable) withMessage.newInstance(entry.exceptionMessage());
      } catch (NoSuchMethodException e) {
        Constructor<?> plain = type.getConstructor();
        return (Throwable) plain.newInstance();
      }
    } catch (ReflectiveOperationException | LinkageError e) {
      throw new CorruptEntryException(
          "cannot rebuild the cached " + entry.exceptionClass() + ": " + e, e);
    }
  }

  private void addTemplateDependencies(Frame frame, Object[] args) {
    MethodInfo method = frame.method;
    String manager = frame.manager.name();
    for (Template template : method.dependencyTemplates) {
      try {
        template.expand(args, null, dep -> frame.dependencies.add(new Dependency(manager, dep)));
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

  private void store(Frame frame, Object returned, Throwable thrown) {
    MethodInfo method = frame.method;
    ManagerRuntime manager = frame.manager;
    StoredEntry entry;
    if (thrown != null) {
      if (method == null || !cachesException(method, frame.owner, thrown)) {
        return;
      }
      entry =
          new StoredEntry(
              StoredEntry.Kind.EXCEPTION,
              null,
              thrown.getClass().getName(),
              thrown.getMessage(),
              List.copyOf(frame.dependencies));
    } else if (returned == null && method != null && !method.spec.cacheNulls()) {
      return;
    } else {
      entry = entryOf(returned, List.copyOf(frame.dependencies));
    }
    if (!sameStore(frame)) {
      return;
    }
    byte[] bytes;
    try {
      bytes = EntryCodec.encode(entry, manager.serializer);
    } catch (NotSerializableValueException e) {
      once.warn(
          "unserializable:" + frame.what(),
          "{}: the result cannot be serialized ({}); calls run uncached",
          frame.what(),
          e.getMessage());
      return;
    }
    long ttl = frame.ttlOverride != Frame.TTL_UNSET ? frame.ttlOverride : ttlOf(method);
    manager.write(
        frame.key,
        method == null ? null : method.spec.displayName(),
        bytes,
        ttl,
        frame.dependencies);
  }

  /** The entry for a value: {@code null} and {@code Optional} have kinds of their own. */
  static StoredEntry entryOf(Object value, List<Dependency> dependencies) {
    if (value == null) {
      return new StoredEntry(StoredEntry.Kind.NULL, null, null, null, dependencies);
    }
    if (value instanceof Optional<?> optional) {
      return optional.isPresent()
          ? new StoredEntry(StoredEntry.Kind.OPTIONAL, optional.get(), null, null, dependencies)
          : new StoredEntry(StoredEntry.Kind.OPTIONAL_EMPTY, null, null, null, dependencies);
    }
    return new StoredEntry(StoredEntry.Kind.VALUE, value, null, null, dependencies);
  }

  private static long ttlOf(MethodInfo method) {
    return method == null ? -1 : method.spec.ttl();
  }

  private boolean sameStore(Frame frame) {
    for (Dependency dependency : frame.dependencies) {
      if (!dependency.manager().equals(frame.manager.name())
          && managers.get(dependency.manager()).store != frame.manager.store) {
        once.warn(
            "cross-store:" + frame.what() + ":" + dependency.manager(),
            "{}: depends on '{}' of manager {}, which uses another store than manager {};"
                + " such calls run uncached",
            frame.what(),
            dependency.name(),
            dependency.manager(),
            frame.manager.name());
        return false;
      }
    }
    return true;
  }

  private static boolean cachesException(MethodInfo method, Class<?> owner, Throwable thrown) {
    if (method.spec.cacheExceptions().isEmpty()) {
      return false;
    }
    for (Class<? extends Throwable> type : method.cacheExceptions(owner)) {
      if (type.isInstance(thrown)) {
        return true;
      }
    }
    return false;
  }

  String dependencyKey(Dependency dependency) {
    return managers.get(dependency.manager()).dependencyKey(dependency.name());
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
    parent.dependencies.addAll(frame.dependencies);
    if (frame.poisoned != null && parent.poisoned == null) {
      parent.poisoned = "an inner cached call: " + frame.poisoned;
    }
  }

  List<String> stackForTests() {
    List<String> keys = new ArrayList<>();
    frames.get().forEach(f -> keys.add(f.key));
    return keys;
  }
}
