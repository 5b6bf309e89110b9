package io.depcache.agent.runtime;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Logs each distinct problem once, so that a problem on a hot path does not flood the log. */
final class OnceLog {
  static final Logger LOG = LoggerFactory.getLogger("depcache");
  private static final int MAX_REMEMBERED = 10_000;

  private final Set<String> seen = ConcurrentHashMap.newKeySet();

  void warn(String topic, String format, Object... args) {
    if (first(topic)) {
      LOG.warn(format, args);
    }
  }

  void error(String topic, String format, Object... args) {
    if (first(topic)) {
      LOG.error(format, args);
    }
  }

  private boolean first(String topic) {
    return seen.size() < MAX_REMEMBERED && seen.add(topic);
  }
}
