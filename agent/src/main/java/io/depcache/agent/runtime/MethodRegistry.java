package io.depcache.agent.runtime;

import io.depcache.agent.serial.AllowList;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Numbers the instrumented methods: advice carries a method's number as a constant, and the call
 * path finds its {@link MethodInfo} by index, with no hashing on the hot path.
 */
public final class MethodRegistry {
  private final AllowList allowList;
  private final Map<String, Integer> ids = new ConcurrentHashMap<>();
  private volatile AtomicReferenceArray<MethodInfo> methods = new AtomicReferenceArray<>(256);
  private int next;
  private final Map<Integer, Invalidation> invalidations = new ConcurrentHashMap<>();
  private final Map<String, Integer> invalidationIds = new ConcurrentHashMap<>();

  /**
   * Creates an empty registry.
   *
   * @param allowList the deserialization allowlist: a registered cached method's values may be of
   *     the packages of its class and return type ({@link MethodSpec#valuePackages()})
   */
  public MethodRegistry(AllowList allowList) {
    this.allowList = allowList;
  }

  /**
   * Registers a method and returns its number; the same method in the same class loader keeps its
   * number when its class is transformed again.
   *
   * @param spec the method
   * @param loaderIdentity distinguishes classes of the same name in different class loaders
   * @return the method's number
   */
  public int register(MethodSpec spec, int loaderIdentity) {
    return register(spec, loaderIdentity, "@DepCached");
  }

  /**
   * Registers a method and returns its number, naming {@code origin} in problem messages.
   *
   * @param spec the method
   * @param loaderIdentity distinguishes classes of the same name in different class loaders
   * @param origin what asked for caching: {@code @DepCached}, or the rule and where it was set
   * @return the method's number
   */
  public synchronized int register(MethodSpec spec, int loaderIdentity, String origin) {
    String identity = loaderIdentity + "/" + spec.signature();
    Integer known = ids.get(identity);
    if (known != null && methods.get(known).spec.equals(spec)) {
      return known;
    }
    int id = next++;
    if (id >= methods.length()) {
      AtomicReferenceArray<MethodInfo> grown = new AtomicReferenceArray<>(methods.length() * 2);
      for (int i = 0; i < methods.length(); i++) {
        grown.set(i, methods.get(i));
      }
      methods = grown;
    }
    MethodInfo info = new MethodInfo(id, spec, origin);
    for (String pkg : spec.valuePackages()) {
      if (pkg.isEmpty()) {
        allowList.allowUnnamedPackage();
      } else {
        allowList.allow(pkg + ".*");
      }
    }
    methods.set(id, info);
    ids.put(identity, id);
    if (info.problem != null) {
      OnceLog.LOG.error("{}; calls run uncached", info.problem);
    }
    return id;
  }

  /**
   * Returns the problem that keeps a registered method uncached.
   *
   * @param id the method's number
   * @return the problem, or {@code null} when the method is cached
   */
  public String problem(int id) {
    MethodInfo info = get(id);
    return info == null ? "unknown method " + id : info.problem;
  }

  /**
   * Registers a method that invalidates dependencies when it returns normally.
   *
   * @param spec the method and its templates
   * @param loaderIdentity distinguishes classes of the same name in different class loaders
   * @return its number, which advice hands back to {@code Bridge.invalidate}
   */
  public synchronized int registerInvalidation(InvalidationSpec spec, int loaderIdentity) {
    String identity = loaderIdentity + "/" + spec.signature();
    Integer known = invalidationIds.get(identity);
    if (known != null && invalidations.get(known).spec.equals(spec)) {
      return known;
    }
    int id = invalidations.size();
    Invalidation invalidation = new Invalidation(id, spec);
    invalidations.put(id, invalidation);
    invalidationIds.put(identity, id);
    if (invalidation.problem != null) {
      OnceLog.LOG.error("{}; the method runs without invalidating", invalidation.problem);
    }
    return id;
  }

  /**
   * Returns the problem that keeps a registered invalidating method from invalidating.
   *
   * @param id the number from {@link #registerInvalidation}
   * @return the problem, or {@code null} when it works
   */
  public String invalidationProblem(int id) {
    Invalidation invalidation = invalidations.get(id);
    return invalidation == null ? "unknown invalidation " + id : invalidation.problem;
  }

  Invalidation invalidation(int id) {
    return invalidations.get(id);
  }

  MethodInfo get(int id) {
    AtomicReferenceArray<MethodInfo> all = methods;
    return id >= 0 && id < all.length() ? all.get(id) : null;
  }
}
