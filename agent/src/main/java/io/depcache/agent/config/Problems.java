package io.depcache.agent.config;

import java.util.ArrayList;
import java.util.List;

/** Collects every configuration problem, one line each, so that all are reported together. */
final class Problems {
  private final List<String> lines = new ArrayList<>();
  private final List<String> warnings = new ArrayList<>();

  void add(String line) {
    lines.add(line);
  }

  /** A finding that does not stop the agent, logged once at start-up as a WARN line. */
  void warn(String line) {
    warnings.add(line);
  }

  List<String> warnings() {
    return List.copyOf(warnings);
  }

  /**
   * Adds {@code <key> must be <expected>, got '<value>' (<source>)}, with the value redacted when
   * it may hold a secret.
   */
  void invalid(Setting setting, String expected) {
    add(
        setting.key()
            + " must be "
            + expected
            + ", got '"
            + shown(setting)
            + "' ("
            + setting.source()
            + ")");
  }

  int size() {
    return lines.size();
  }

  boolean isEmpty() {
    return lines.isEmpty();
  }

  void throwIfAny() throws ConfigException {
    if (!lines.isEmpty()) {
      throw new ConfigException(lines);
    }
  }

  /** Whether a key holds a secret: its value never appears in a message. */
  static boolean isSecret(String key) {
    return key.endsWith("signing-key")
        || key.endsWith("signing-key.previous")
        || key.endsWith("password");
  }

  /** The value of a setting as it may appear in a message: passwords and keys never do. */
  static String shown(Setting setting) {
    String value = setting.value();
    if (isSecret(setting.key())) {
      return "<" + value.length() + " characters>";
    }
    if (setting.key().endsWith("redis.url")) {
      String redacted = Redaction.redactUrl(value);
      int at = value.lastIndexOf('@');
      // a URL too malformed for redactUrl may still carry user info before an '@'
      return redacted.equals(value) && at >= 0 ? "***" + value.substring(at) : redacted;
    }
    return value;
  }
}
