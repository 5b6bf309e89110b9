package io.depcache.bridge;

/**
 * The static entry points that advice inlined into application classes calls.
 *
 * <p>It lives on the bootstrap class path so that every class loader resolves this one class, and
 * it uses only JDK types so that it never drags the API or the agent's internals into the loader of
 * the instrumented class. Until the agent sets a {@link Dispatcher}, every method is a no-op that
 * lets the original code run.
 */
public final class Bridge {
  private static volatile Dispatcher dispatcher;

  private Bridge() {}

  /** Connects the agent's runtime; called once at install time. */
  public static void install(Dispatcher runtime) {
    dispatcher = runtime;
  }

  /** Disconnects the agent's runtime; cached methods then just run. */
  public static void uninstall(Dispatcher runtime) {
    if (dispatcher == runtime) {
      dispatcher = null;
    }
  }

  public static Object enter(int methodId, Class<?> owner, Object self, Object[] args) {
    Dispatcher d = dispatcher;
    return d == null ? null : d.enter(methodId, owner, self, args);
  }

  public static boolean isHit(Object call) {
    Dispatcher d = dispatcher;
    return call != null && d != null && d.isHit(call);
  }

  public static Object exit(Object call, Object returned, Throwable thrown) {
    Dispatcher d = dispatcher;
    return call == null || d == null ? returned : d.exit(call, returned, thrown);
  }

  public static Throwable thrown(Object call, Throwable thrown) {
    Dispatcher d = dispatcher;
    return call == null || d == null ? thrown : d.thrown(call, thrown);
  }

  public static void addDependency(String dependency, String manager) {
    Dispatcher d = dispatcher;
    if (d != null) {
      d.addDependency(dependency, manager);
    }
  }

  public static String currentCacheKey() {
    Dispatcher d = dispatcher;
    return d == null ? null : d.currentCacheKey();
  }

  public static void setTtl(long seconds) {
    Dispatcher d = dispatcher;
    if (d != null) {
      d.setTtl(seconds);
    }
  }

  public static boolean isActive() {
    Dispatcher d = dispatcher;
    return d != null && d.isActive();
  }

  public static Object manager(String name, Class<?> facade) {
    Dispatcher d = dispatcher;
    return d == null ? null : d.manager(name, facade);
  }

  public static void invalidate(
      int invalidationId, Class<?> owner, Object[] args, Object returned) {
    Dispatcher d = dispatcher;
    if (d != null) {
      d.invalidate(invalidationId, owner, args, returned);
    }
  }
}
