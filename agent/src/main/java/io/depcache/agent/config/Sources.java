package io.depcache.agent.config;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads the settings of each source except the file, mapping each source's spelling onto full keys.
 * Unknown keys are kept (and reported later) except for environment variables, which are reported
 * here because only here is their spelling known.
 */
final class Sources {
  private Sources() {}

  /**
   * Parses {@code k=v,k2=v2}. A key without the {@code depcache.} prefix gets it. Since values may
   * need commas (lists), {@code \,} stands for a comma inside a value; any other backslash is kept
   * as it is, so Windows paths need no escaping.
   */
  static List<Setting> agentArguments(String args, Problems problems) {
    List<Setting> settings = new ArrayList<>();
    if (args == null || args.isBlank()) {
      return settings;
    }
    List<String> pieces = new ArrayList<>();
    StringBuilder piece = new StringBuilder();
    for (int i = 0; i < args.length(); i++) {
      char c = args.charAt(i);
      if (c == '\\' && i + 1 < args.length() && args.charAt(i + 1) == ',') {
        piece.append(',');
        i++;
      } else if (c == ',') {
        pieces.add(piece.toString());
        piece.setLength(0);
      } else {
        piece.append(c);
      }
    }
    pieces.add(piece.toString());
    for (String p : pieces) {
      if (p.isBlank()) {
        continue;
      }
      int eq = p.indexOf('=');
      String written = eq < 0 ? p.trim() : p.substring(0, eq).trim();
      if (eq <= 0 || written.isEmpty()) {
        // a bare URL passed by mistake may carry a password before its '@'
        int at = written.lastIndexOf('@');
        problems.add(
            "agent argument '"
                + (at < 0 ? written : "***" + written.substring(at))
                + "' must be key=value (arguments: k=v,k2=v2; \\, for a"
                + " comma inside a value)");
        continue;
      }
      String key = written.startsWith(Keys.PREFIX) ? written : Keys.PREFIX + written;
      settings.add(new Setting(key, p.substring(eq + 1).trim(), "agent argument " + written));
    }
    return settings;
  }

  /** The {@code depcache.*} system properties, in key order. */
  static List<Setting> systemProperties(Map<String, String> properties) {
    List<Setting> settings = new ArrayList<>();
    new TreeMap<>(properties)
        .forEach(
            (key, value) -> {
              if (key.startsWith(Keys.PREFIX) && value != null) {
                settings.add(new Setting(key, value.trim(), "system property -D" + key));
              }
            });
    return settings;
  }

  /**
   * The {@code DEPCACHE_*} variables, in name order. An empty variable counts as unset, since
   * container tools often pass {@code NAME=} for "not configured".
   */
  static List<Setting> environment(Map<String, String> environment, Problems problems) {
    List<Setting> settings = new ArrayList<>();
    new TreeMap<>(environment)
        .forEach(
            (name, value) -> {
              if (!name.startsWith("DEPCACHE_") || value == null || value.isBlank()) {
                return;
              }
              String source = "environment variable " + name;
              String key = Keys.fromEnvironment(name);
              if (key == null) {
                String hint = Keys.suggest(name, true);
                // Environments carry variables the user does not control (DEPCACHE_HOME, a
                // test harness's own): one line each, never a refusal.
                problems.warn(
                    name
                        + " is not a known setting and is ignored"
                        + (hint == null ? "" : "; did you mean " + hint + "?")
                        + " ("
                        + source
                        + ")");
              } else {
                settings.add(new Setting(key, value.trim(), source));
              }
            });
    return settings;
  }

  /**
   * The original library's variables: {@code REDIS_URL}, or {@code REDIS_HOST}, {@code REDIS_PORT},
   * {@code REDIS_USERNAME}, {@code REDIS_PASSWORD}, {@code REDIS_DB} and {@code REDIS_SSL} composed
   * into a URL; {@code DEP_CACHE_ENABLED} (the original's true/1/yes/on and false/0/no/off) and
   * {@code DEP_CACHE_PREFIX}.
   */
  static List<Setting> originalEnvironment(Map<String, String> env, Problems problems) {
    List<Setting> settings = new ArrayList<>();
    String url = value(env, "REDIS_URL");
    if (url != null) {
      settings.add(new Setting("depcache.redis.url", url, "environment variable REDIS_URL"));
    } else {
      Setting composed = composeUrl(env, problems);
      if (composed != null) {
        settings.add(composed);
      }
    }
    String enabled = value(env, "DEP_CACHE_ENABLED");
    if (enabled != null) {
      String lower = enabled.toLowerCase(Locale.ROOT);
      String mapped =
          switch (lower) {
            case "true", "1", "yes", "on" -> "true";
            case "false", "0", "no", "off" -> "false";
            default -> enabled;
          };
      settings.add(new Setting(Keys.ENABLED, mapped, "environment variable DEP_CACHE_ENABLED"));
    }
    String prefix = value(env, "DEP_CACHE_PREFIX");
    if (prefix != null) {
      settings.add(new Setting("depcache.prefix", prefix, "environment variable DEP_CACHE_PREFIX"));
    }
    return settings;
  }

  private static Setting composeUrl(Map<String, String> env, Problems problems) {
    List<String> used = new ArrayList<>();
    for (String name :
        List.of(
            "REDIS_HOST",
            "REDIS_PORT",
            "REDIS_USERNAME",
            "REDIS_PASSWORD",
            "REDIS_DB",
            "REDIS_SSL")) {
      if (value(env, name) != null) {
        used.add(name);
      }
    }
    if (used.isEmpty()) {
      return null;
    }
    int before = problems.size();
    String host = orElse(value(env, "REDIS_HOST"), "localhost");
    if (host.chars().anyMatch(Character::isWhitespace) || host.contains("/")) {
      problems.invalid(original("REDIS_HOST", host), "a host name (it makes depcache.redis.url)");
    }
    String port = orElse(value(env, "REDIS_PORT"), "6379");
    if (!Values.isPort(port, -1)) {
      problems.invalid(
          original("REDIS_PORT", port), "a port 1-65535 (it makes depcache.redis.url)");
    }
    String db = orElse(value(env, "REDIS_DB"), "0");
    if (!db.matches("\\d{1,9}")) {
      problems.invalid(
          original("REDIS_DB", db), "a database number >= 0 (it makes depcache.redis.url)");
    }
    String ssl = orElse(value(env, "REDIS_SSL"), "false").toLowerCase(Locale.ROOT);
    if (problems.size() > before) {
      return null;
    }
    String user = value(env, "REDIS_USERNAME");
    String password = value(env, "REDIS_PASSWORD");
    String userInfo = "";
    if (user != null || password != null) {
      userInfo = encode(orElse(user, "")) + (password == null ? "" : ":" + encode(password)) + "@";
    }
    String scheme = List.of("true", "1", "yes", "on").contains(ssl) ? "rediss" : "redis";
    String hostPart = host.contains(":") ? "[" + host + "]" : host;
    String url = scheme + "://" + userInfo + hostPart + ":" + port + "/" + db;
    return new Setting(
        "depcache.redis.url", url, "environment variables " + String.join(", ", used));
  }

  private static Setting original(String name, String value) {
    return new Setting(name, value, "environment variable " + name);
  }

  private static String value(Map<String, String> env, String name) {
    String value = env.get(name);
    return value == null || value.isBlank() ? null : value.trim();
  }

  private static String orElse(String value, String fallback) {
    return value == null ? fallback : value;
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
