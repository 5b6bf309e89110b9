package io.depcache.agent.monitor;

import io.depcache.CacheEvent;
import io.depcache.CacheEventListener;
import io.depcache.CacheEventType;
import io.depcache.CacheEvents;
import io.depcache.CacheLevel;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listeners of one manager, their dispatch on the caller's thread, and the manager's counters.
 *
 * <p>{@link #wants} is a volatile read per type, so that a call with no listener builds no event:
 * the hit path stays free of allocation when nobody listens.
 */
public final class EventDispatcher implements CacheEvents {
  private static final Logger LOG = LoggerFactory.getLogger("depcache");
  private static final CacheEventType[] TYPES = CacheEventType.values();

  private final String manager;
  private final ManagerStats stats = new ManagerStats();
  private final List<List<CacheEventListener>> listeners;
  private volatile boolean[] wanted = new boolean[TYPES.length];
  private volatile long lastListenerFailureLog;

  public EventDispatcher(String manager) {
    this.manager = manager;
    List<List<CacheEventListener>> all = new java.util.ArrayList<>(TYPES.length);
    for (int i = 0; i < TYPES.length; i++) {
      all.add(new CopyOnWriteArrayList<>());
    }
    this.listeners = List.copyOf(all);
  }

  @Override
  public void on(CacheEventType type, CacheEventListener listener) {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(listener, "listener");
    listeners.get(type.ordinal()).add(listener);
    refresh();
  }

  @Override
  public void onAll(CacheEventListener listener) {
    for (CacheEventType type : TYPES) {
      on(type, listener);
    }
  }

  @Override
  public void off(CacheEventType type, CacheEventListener listener) {
    listeners.get(type.ordinal()).remove(listener);
    refresh();
  }

  @Override
  public void offAll(CacheEventListener listener) {
    for (List<CacheEventListener> forType : listeners) {
      forType.removeIf(l -> l == listener);
    }
    refresh();
  }

  private synchronized void refresh() {
    boolean[] now = new boolean[TYPES.length];
    for (int i = 0; i < TYPES.length; i++) {
      now[i] = !listeners.get(i).isEmpty();
    }
    wanted = now;
  }

  /** Whether any listener is registered for {@code type}. */
  public boolean wants(CacheEventType type) {
    return wanted[type.ordinal()];
  }

  /** The manager's counters, which every fired event counts in, listened to or not. */
  public ManagerStats stats() {
    return stats;
  }

  /**
   * Counts an event, and builds and dispatches it when some listener wants it.
   *
   * @param dependencies may be {@code null} when no listener {@link #wants} the type: a caller on
   *     the hit path builds them only for a listener
   */
  public void fire(
      CacheEventType type,
      String key,
      String method,
      Set<String> dependencies,
      long ttl,
      long count) {
    stats.record(type, count);
    if (wants(type)) {
      dispatch(type, key, method, dependencies, ttl, count, null);
    }
  }

  /**
   * Counts a hit by the level that served it, and builds and dispatches its event (carrying that
   * level) when some listener wants it.
   *
   * @param dependencies as for {@link #fire}
   */
  public void fireHit(String key, String method, Set<String> dependencies, CacheLevel level) {
    fireHit(key, method, dependencies, level, false);
  }

  /**
   * As {@link #fireHit(String, String, Set, CacheLevel)}; a near hit that the method's stats
   * counted ({@code countedByMethod}, the method attached to this manager's stats) is not counted
   * again.
   */
  public void fireHit(
      String key,
      String method,
      Set<String> dependencies,
      CacheLevel level,
      boolean countedByMethod) {
    stats.recordHit(level, countedByMethod);
    if (wants(CacheEventType.HIT)) {
      dispatch(CacheEventType.HIT, key, method, dependencies, -1, 1, level);
    }
  }

  private void dispatch(
      CacheEventType type,
      String key,
      String method,
      Set<String> dependencies,
      long ttl,
      long count,
      CacheLevel level) {
    CacheEvent event =
        new CacheEvent(
            type,
            manager,
            key,
            method,
            dependencies,
            ttl,
            count,
            System.currentTimeMillis(),
            level);
    for (CacheEventListener listener : listeners.get(type.ordinal())) {
      try {
        listener.onEvent(event);
      } catch (Throwable t) {
        logListenerFailure(listener, event, t);
      }
    }
  }

  private void logListenerFailure(CacheEventListener listener, CacheEvent event, Throwable t) {
    long now = System.currentTimeMillis();
    // At most one line per second: a listener that always throws must not flood the log.
    if (now - lastListenerFailureLog >= 1000) {
      lastListenerFailureLog = now;
      LOG.warn(
          "cache event listener {} threw on {} of manager {}; the call went on",
          listener.getClass().getName(),
          event.type(),
          manager,
          t);
    }
  }
}
