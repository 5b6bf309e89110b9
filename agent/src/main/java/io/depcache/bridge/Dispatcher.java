package io.depcache.bridge;

/**
 * What the agent's runtime offers to code in any class loader. Only JDK types cross it, so that it
 * links the same way from the bootstrap loader, the system loader or a child-first loader with its
 * own copy of the API.
 */
public interface Dispatcher {
  /**
   * Starts a cached call: a hit (see {@link #isHit}), a miss with a frame pushed, or {@code null}
   * when the call runs uncached.
   */
  Object enter(int methodId, Class<?> owner, Object self, Object[] args);

  /** {@link #enter(int, Class, Object, Object[])} of a method without arguments. */
  default Object enter0(int methodId, Class<?> owner) {
    return enter(methodId, owner, null, new Object[0]);
  }

  /** {@link #enter(int, Class, Object, Object[])} of a method of one argument. */
  default Object enter1(int methodId, Class<?> owner, Object a0) {
    return enter(methodId, owner, null, new Object[] {a0});
  }

  /**
   * {@link #enter(int, Class, Object, Object[])} of a method whose one argument is a {@code long}
   * or an {@code int} (widened: the method's registry entry knows which).
   */
  default Object enterLong(int methodId, Class<?> owner, long a0) {
    return enter(methodId, owner, null, new Object[] {a0});
  }

  /** {@link #enter(int, Class, Object, Object[])} of a method of two arguments. */
  default Object enter2(int methodId, Class<?> owner, Object a0, Object a1) {
    return enter(methodId, owner, null, new Object[] {a0, a1});
  }

  /** {@link #enter(int, Class, Object, Object[])} of a method of three arguments. */
  default Object enter3(int methodId, Class<?> owner, Object a0, Object a1, Object a2) {
    return enter(methodId, owner, null, new Object[] {a0, a1, a2});
  }

  /** Whether {@code call} from {@link #enter} is a hit whose body must be skipped. */
  boolean isHit(Object call);

  /**
   * Ends a cached call: on a hit returns the cached value; on a miss stores {@code returned} (or
   * {@code thrown}) and returns {@code returned} unchanged.
   */
  Object exit(Object call, Object returned, Throwable thrown);

  /** The exception the call ends with: a cached one on a hit, else {@code thrown} unchanged. */
  Throwable thrown(Object call, Throwable thrown);

  void addDependency(String dependency, String manager);

  String currentCacheKey();

  void setTtl(long seconds);

  boolean isActive();

  /**
   * The manager {@code name} as an instance of the {@code CacheManager} that {@code facade} (a copy
   * of {@code io.depcache.DepCache}) returns: the manager itself, or an adapter when that copy is
   * not the agent's (a child-first loader's own API jar); {@code null} when it cannot be offered
   * (the facade then returns its disabled manager).
   */
  Object manager(String name, Class<?> facade);

  /**
   * Invalidates the dependencies of an invalidating method that returned normally; never throws.
   *
   * @param invalidationId the method's number, bound into its advice
   * @param owner the declaring class
   * @param args the arguments as the call received them
   * @param returned the return value, {@code null} for {@code void}
   */
  default void invalidate(int invalidationId, Class<?> owner, Object[] args, Object returned) {}

  // ---- the context of a cached call, carried to other threads ----------------------------------

  /**
   * The context of this thread's current cached call, as an opaque handle, or {@code null} outside
   * one. Cheap: executors ask it for every task they are given.
   */
  default Object currentContext() {
    return null;
  }

  /**
   * Makes {@code context} current on this thread (a task carried here from its call's thread).
   *
   * @return the token to pass to {@link #exitContext}
   */
  default Object enterContext(Object context) {
    return null;
  }

  /** Ends what {@link #enterContext} began; {@code token} may be {@code null}. */
  default void exitContext(Object token) {}

  /** Whether the call of {@code context} still takes dependencies: its value is not stored yet. */
  default boolean contextActive(Object context) {
    return false;
  }

  /** {@code DepCache.addDependency}, for the call of {@code context}, from any thread. */
  default void contextAddDependency(Object context, String dependency, String manager) {}

  /** {@code DepCache.setTtl}, for the call of {@code context}, from any thread. */
  default void contextSetTtl(Object context, long seconds) {}

  /** The key of the call of {@code context}, or {@code null}. */
  default String contextKey(Object context) {
    return null;
  }
}
