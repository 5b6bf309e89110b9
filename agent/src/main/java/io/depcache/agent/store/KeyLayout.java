package io.depcache.agent.store;

/**
 * The names of depcache's keys in the store.
 *
 * <pre>
 * {prefix}:{manager}:e:{key}         an entry: the encoded value and its dependencies
 * {prefix}:{manager}:d:{dependency}  a dependency set: the entry keys (complete store keys) that
 *                                    depend on it; it expires no earlier than its longest-lived
 *                                    member
 * {prefix}:{manager}:d:{dependency}\0invalidating:{uuid}
 *                                    a dependency set while RedisStore invalidates it: renamed
 *                                    away first so that new registrations start a fresh set
 * </pre>
 *
 * A dependency set holds complete entry keys, so an entry of one manager can depend on a dependency
 * of another ({@code DepCache.addDependency(dep, manager)}) on the same store.
 */
public final class KeyLayout {
  private KeyLayout() {}

  /**
   * The prefix shared by every key of one manager.
   *
   * @param prefix the configured {@code depcache.prefix}
   * @param manager the manager's name
   * @return {@code prefix + ":" + manager + ":"}
   */
  public static String namespace(String prefix, String manager) {
    return prefix + ':' + manager + ':';
  }

  /**
   * The store key of an entry.
   *
   * @param namespace from {@link #namespace(String, String)}
   * @param key the entry's key as users see it
   * @return the store key
   */
  public static String entryKey(String namespace, String key) {
    return namespace + "e:" + key;
  }

  /**
   * The store key of a dependency set.
   *
   * @param namespace from {@link #namespace(String, String)}
   * @param dependency the dependency as users write it
   * @return the store key
   */
  public static String dependencyKey(String namespace, String dependency) {
    return namespace + "d:" + dependency;
  }
}
