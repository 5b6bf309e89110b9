package io.depcache.agent.runtime;

import io.depcache.agent.store.KeyLayout;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

/**
 * Keys and dependencies as log lines show them. They are made of method arguments, so they may hold
 * personal data: unless the {@code depcache} logger is at DEBUG, a line shows their readable start
 * (the method, or the dependency's kind up to its first {@code :}) and a short hash of the whole,
 * enough to tell two apart and to find one whose full text is known.
 */
final class LogText {
  private LogText() {}

  static String key(String text) {
    if (text == null || OnceLog.LOG.isDebugEnabled()) {
      return text;
    }
    int open = text.indexOf('(');
    int colon = text.indexOf(':');
    int cut = open >= 0 ? open + 1 : colon >= 0 ? colon + 1 : 0;
    return text.substring(0, Math.min(cut, 120)) + "…#" + KeyLayout.sha256Hex(text).substring(0, 8);
  }

  static String keys(Iterable<String> texts) {
    return StreamSupport.stream(texts.spliterator(), false)
        .map(LogText::key)
        .collect(Collectors.joining(", ", "[", "]"));
  }
}
