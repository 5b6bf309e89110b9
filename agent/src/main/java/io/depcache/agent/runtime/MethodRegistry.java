package io.depcache.agent.runtime;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Numbers the instrumented methods: advice carries a method's number as a constant, and the call
 * path finds its {@link MethodInfo} by index, with no hashing on the hot path.
 */
public final class MethodRegistry {
  private final Map<String, Integer> ids = new ConcurrentHashMap<>();
  private volatile AtomicReferenceArray<MethodInfo> methods = new AtomicReferenceArray<>(256);
  private int next;

  /**
   * Registers a method and returns its number; the same method in the same class loader keeps its
   * number when its class is transformed again.
   *
   * @param spec the method
   * @param loaderIdentity distinguishes classes of the same name in different class loaders
   * @return the method's number
   */
  public synchronized int register(MethodSpec spec, int loaderIdentity) {
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
    MethodInfo info = new MethodInfo(id, spec);
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

  MethodInfo get(int id) {
    AtomicReferenceArray<MethodInfo> all = methods;
    return id >= 0 && id < all.length() ? all.get(id) : null;
  }
}
