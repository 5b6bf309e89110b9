package io.depcache;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;

/** Ready-made listeners. */
public final class CacheEventListeners {
  private CacheEventListeners() {}

  /**
   * Returns a listener that logs each event through {@link System.Logger}: {@code ERROR} at
   * WARNING, invalidations, deletes and clears at INFO, lookups and writes at DEBUG.
   *
   * @param name the logger's name
   * @return the listener
   */
  public static CacheEventListener logger(String name) {
    Logger logger = System.getLogger(name == null || name.isEmpty() ? "depcache" : name);
    return event -> {
      Level level = levelOf(event.type());
      if (logger.isLoggable(level)) {
        logger.log(level, describe(event));
      }
    };
  }

  static Level levelOf(CacheEventType type) {
    return switch (type) {
      case ERROR -> Level.WARNING;
      case DELETE, INVALIDATE, CLEAR -> Level.INFO;
      case HIT, MISS, SET -> Level.DEBUG;
    };
  }

  static String describe(CacheEvent event) {
    StringBuilder text =
        new StringBuilder(96).append(event.type()).append(" [").append(event.manager()).append(']');
    if (event.key() != null) {
      text.append(" key=").append(event.key());
    }
    if (event.method() != null) {
      text.append(" method=").append(event.method());
    }
    if (!event.dependencies().isEmpty()) {
      text.append(" dependencies=").append(event.dependencies());
    }
    if (event.ttl() >= 0) {
      text.append(" ttl=").append(event.ttl()).append('s');
    }
    if (event.count() > 0) {
      text.append(" count=").append(event.count());
    }
    return text.toString();
  }
}
