package io.depcache.agent.cli;

import java.io.PrintStream;
import java.util.Collection;
import java.util.Map;

/**
 * A command's result: {@code name: value} lines, or with {@code --json} one JSON document (maps as
 * objects, collections as arrays, numbers, booleans, {@code null} and everything else as strings).
 */
final class Output {
  private Output() {}

  static void print(PrintStream out, Map<String, ?> result, boolean json) {
    if (!json) {
      result.forEach((name, value) -> out.println(name + ": " + value));
      return;
    }
    out.println(json(result));
  }

  static String json(Object value) {
    StringBuilder s = new StringBuilder();
    write(s, value);
    return s.toString();
  }

  private static void write(StringBuilder s, Object value) {
    if (value == null) {
      s.append("null");
    } else if (value instanceof Map<?, ?> map) {
      s.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : map.entrySet()) {
        if (!first) {
          s.append(',');
        }
        first = false;
        quote(s, String.valueOf(e.getKey())).append(':');
        write(s, e.getValue());
      }
      s.append('}');
    } else if (value instanceof Collection<?> list) {
      s.append('[');
      boolean first = true;
      for (Object item : list) {
        if (!first) {
          s.append(',');
        }
        first = false;
        write(s, item);
      }
      s.append(']');
    } else if (value instanceof Double d && (d.isNaN() || d.isInfinite())) {
      s.append("null");
    } else if (value instanceof Number || value instanceof Boolean) {
      s.append(value);
    } else {
      quote(s, value.toString());
    }
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
