package io.depcache.agent.cli;

import java.io.PrintStream;
import java.util.Map;

/** A command's result: {@code name: value} lines, or with {@code --json} one JSON object. */
final class Output {
  private Output() {}

  static void print(PrintStream out, Map<String, String> result, boolean json) {
    if (!json) {
      result.forEach((name, value) -> out.println(name + ": " + value));
      return;
    }
    StringBuilder s = new StringBuilder("{");
    result.forEach(
        (name, value) -> {
          if (s.length() > 1) {
            s.append(',');
          }
          quote(s, name).append(':');
          quote(s, value);
        });
    out.println(s.append('}'));
  }

  private static StringBuilder quote(StringBuilder s, String text) {
    s.append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> s.append("\\\"");
        case '\\' -> s.append("\\\\");
        case '\n' -> s.append("\\n");
        case '\r' -> s.append("\\r");
        case '\t' -> s.append("\\t");
        default -> {
          if (c < 0x20) {
            s.append(String.format("\\u%04x", (int) c));
          } else {
            s.append(c);
          }
        }
      }
    }
    return s.append('"');
  }
}
