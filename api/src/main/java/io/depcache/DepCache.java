package io.depcache;

/**
 * The static facade that cached code calls: declare dependencies, read the current key, override
 * the ttl, reach the managers.
 *
 * <p>Without the agent (or with {@code depcache.enabled=false}) every method is a harmless no-op:
 * dependencies are ignored, {@link #currentCacheKey()} is {@code null} and {@link #manager()} is a
 * disabled manager that stores nothing. With the agent, these bodies are rewritten to reach the
 * agent, in whichever class loader this class was loaded.
 */
public final class DepCache {
  private DepCache() {}

  /**
   * Declares that the current cached call depends on {@code dependency}. Outside a cached call it
   * does nothing.
   *
   * @param dependency a dependency such as {@code "user:42"}
   */
  public static void addDependency(String dependency) {
    // No-op without the agent; the agent rewrites this method.
  }

  /**
   * Declares that the current cached call depends on {@code dependency} as known to the named
   * manager: {@code manager(managerName).invalidateDependency(dependency)} removes the entry.
   *
   * @param dependency a dependency such as {@code "team:7"}
   * @param managerName the manager whose invalidations apply
   */
  public static void addDependency(String dependency, String managerName) {
    // No-op without the agent; the agent rewrites this method.
  }

  /**
   * Returns the key of the current cached call, in the form {@link CacheManager} takes.
   *
   * @return the key, or {@code null} outside a cached call
   */
  public static String currentCacheKey() {
    return null;
  }

  /**
   * Overrides the ttl of the current cached call's entry.
   *
   * @param seconds seconds to live; {@code 0}: never expires
   */
  public static void setTtl(long seconds) {
    // No-op without the agent; the agent rewrites this method.
  }

  /**
   * Returns the current cached call as a handle usable from any thread, for where the agent's own
   * propagation does not reach (see {@link CallContext}).
   *
   * @return the context; an inactive one outside a cached call or without the agent
   */
  public static CallContext currentContext() {
    Object handle = contextHandle();
    return handle == null ? Contexts.NONE : new Contexts.Active(handle);
  }

  // The hooks below are package-private no-ops that the agent rewrites to reach it: a context made
  // by this copy of the API calls this copy's hooks, in whichever loader it was loaded.

  static Object contextHandle() {
    return null;
  }

  static boolean contextActive(Object handle) {
    return false;
  }

  static void contextAddDependency(Object handle, String dependency) {
    // No-op without the agent; the agent rewrites this method.
  }

  static void contextSetTtl(Object handle, long seconds) {
    // No-op without the agent; the agent rewrites this method.
  }

  static String contextKey(Object handle) {
    return null;
  }

  static Object contextEnter(Object handle) {
    return null;
  }

  static void contextExit(Object token) {
    // No-op without the agent; the agent rewrites this method.
  }

  /**
   * Returns the default manager.
   *
   * @return the manager; a disabled one without the agent
   */
  public static CacheManager manager() {
    return DisabledCacheManager.named("default");
  }

  /**
   * Returns a named manager.
   *
   * @param name the manager's name
   * @return the manager; a disabled one without the agent
   */
  public static CacheManager manager(String name) {
    return DisabledCacheManager.named(name);
  }

  /**
   * Tells whether the agent is installed and enabled.
   *
   * @return {@code true} when cached methods are being cached
   */
  public static boolean isAgentActive() {
    return false;
  }
}
