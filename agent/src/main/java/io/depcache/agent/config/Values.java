package io.depcache.agent.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Parses and checks single values. Each method returns the parsed value, or {@code null} after
 * adding a problem that says what was expected.
 */
final class Values {
  static final String BOOLEAN = "true or false (nothing else: not yes/no, not 1/0)";
  private static final String ID = "[A-Za-z_$][A-Za-z0-9_$]*";
  private static final Pattern CLASS_NAME = Pattern.compile(ID + "(\\." + ID + ")+");
  private static final Pattern CLASS_PATTERN =
      Pattern.compile(ID + "(\\." + ID + ")*(\\.\\*\\*?)?");
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]+");

  private Values() {}

  static Boolean bool(Setting s, Problems problems) {
    if (s.value().equalsIgnoreCase("true")) {
      return true;
    }
    if (s.value().equalsIgnoreCase("false")) {
      return false;
    }
    problems.invalid(s, BOOLEAN);
    return null;
  }

  static Long whole(Setting s, long min, long max, String expected, Problems problems) {
    try {
      long value = Long.parseLong(s.value());
      if (value >= min && value <= max) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below, with what was expected
    }
    problems.invalid(s, expected);
    return null;
  }

  /** One of the options, case-insensitive; returned in lower case. */
  static String oneOf(Setting s, Problems problems, String... options) {
    for (String option : options) {
      if (option.equalsIgnoreCase(s.value())) {
        return option;
      }
    }
    problems.invalid(s, "one of " + String.join(", ", options));
    return null;
  }

  static String nonEmpty(Setting s, String expected, Problems problems) {
    if (s.value().isEmpty()) {
      problems.invalid(s, expected);
      return null;
    }
    return s.value();
  }

  /** A manager name or rule id: {@code [A-Za-z0-9_.-]+}. */
  static boolean isName(String name) {
    return name != null && NAME.matcher(name).matches();
  }

  static String redisUrl(Setting s, Problems problems) {
    URI uri;
    try {
      uri = new URI(s.value());
    } catch (URISyntaxException e) {
      // the exception's message repeats the input, password included: never use it
      problems.invalid(s, "a URI like redis://[user:password@]host[:port][/db]");
      return null;
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("redis") && !scheme.equals("rediss")) {
      problems.invalid(s, "a URI starting with redis:// or rediss://");
    } else if (uri.getHost() == null || uri.getHost().isEmpty()) {
      problems.invalid(s, "a redis:// URI with a host and, if any, a port 1-65535");
    } else if (uri.getPort() == 0 || uri.getPort() > 65535) {
      problems.invalid(s, "a redis:// URI whose port is 1-65535");
    } else if (uri.getRawPath() != null && !uri.getRawPath().matches("/?|/\\d{1,9}")) {
      problems.invalid(s, "a redis:// URI whose path is a database number, like /0");
    } else {
      return s.value();
    }
    return null;
  }

  /** A comma-separated list of {@code host:port}; an empty value is an empty list. */
  static List<String> hostPorts(Setting s, Problems problems) {
    List<String> nodes = list(s.value());
    for (String node : nodes) {
      int colon = node.lastIndexOf(':');
      String host = colon < 0 ? "" : node.substring(0, colon);
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      if (host.isEmpty()
          || host.chars().anyMatch(Character::isWhitespace)
          || !isPort(node, colon)) {
        problems.invalid(s, "a comma-separated list of host:port with ports 1-65535");
        return null;
      }
    }
    return nodes;
  }

  static boolean isPort(String text, int colon) {
    try {
      int port = Integer.parseInt(text.substring(colon + 1));
      return port >= 1 && port <= 65535;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  static String prefix(Setting s, Problems problems) {
    String v = s.value();
    if (v.isEmpty()
        || v.chars().anyMatch(Character::isWhitespace)
        || v.endsWith(":")
        || v.chars().anyMatch(c -> c == '*' || c == '?' || c == '[' || c == ']')) {
      problems.invalid(
          s, "a non-empty prefix without whitespace, without * ? [ ] and not ending in ':'");
      return null;
    }
    return v;
  }

  /** The serializers this version has (serial.Serializers.NAMES, which this room cannot see). */
  static String serializer(Setting s, Problems problems) {
    return oneOf(s, problems, "java", "kryo");
  }

  static List<String> classPatterns(Setting s, Problems problems) {
    List<String> patterns = list(s.value());
    for (String pattern : patterns) {
      if (!CLASS_PATTERN.matcher(pattern).matches()) {
        problems.invalid(
            s,
            "a comma-separated list of class names or patterns like com.example.* (one"
                + " package) or com.example.** (and below)");
        return null;
      }
    }
    return patterns;
  }

  static List<String> classNames(Setting s, Problems problems) {
    List<String> names = list(s.value());
    for (String name : names) {
      if (!CLASS_NAME.matcher(name).matches()) {
        problems.invalid(s, "a comma-separated list of fully qualified class names");
        return null;
      }
    }
    return names;
  }

  /** The shortest signing key accepted, in bytes: as long as an HMAC-SHA256 tag. */
  static final int MIN_KEY_BYTES = 32;

  private static final String BASE64 = "base64:";

  static String signingKey(Setting s, Problems problems) {
    byte[] key;
    try {
      key = keyBytes(s.value());
    } catch (IllegalArgumentException e) {
      problems.invalid(s, "base64: followed by valid Base64 (A-Z a-z 0-9 + / and = padding)");
      return null;
    }
    if (key.length < MIN_KEY_BYTES) {
      problems.invalid(
          s,
          "at least "
              + MIN_KEY_BYTES
              + " bytes long ("
              + key.length
              + " here; text counts its UTF-8 bytes, base64:<Base64> gives binary)");
      return null;
    }
    return s.value();
  }

  /**
   * The bytes of a signing key: after {@code base64:} decoded, otherwise its UTF-8 bytes.
   *
   * @throws IllegalArgumentException when the Base64 is not valid
   */
  static byte[] keyBytes(String value) {
    if (value == null) {
      return null;
    }
    if (value.startsWith(BASE64)) {
      return java.util.Base64.getDecoder().decode(value.substring(BASE64.length()).trim());
    }
    return value.getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  static String methodPattern(Setting s, Problems problems) {
    try {
      MethodPattern.parse(s.value());
    } catch (IllegalArgumentException e) {
      problems.invalid(
          s,
          "a method pattern <type>#<method>[(<parameters>)], like"
              + " com.example.UserService#getProfile(java.lang.String) or"
              + " com.example.legacy.*Dao#find*(..) ("
              + e.getMessage()
              + ")");
      return null;
    }
    return s.value();
  }

  /** Comma-separated items, trimmed, empty items dropped. */
  static List<String> list(String value) {
    List<String> items = new ArrayList<>();
    for (String item : value.split(",")) {
      if (!item.isBlank()) {
        items.add(item.trim());
      }
    }
    return List.copyOf(items);
  }
}
