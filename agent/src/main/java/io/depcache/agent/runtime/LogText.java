package io.depcache.agent.runtime;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.stream.Collectors;

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
    return text.substring(0, Math.min(cut, 120)) + "…#" + hash(text);
  }

  static String keys(Iterable<String> texts) {
    return java.util.stream.StreamSupport.stream(texts.spliterator(), false)
        .map(LogText::key)
        .collect(Collectors.joining(", ", "[", "]"));
  }

  private static String hash(String text) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 4);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JDK", e);
    }
  }
}
