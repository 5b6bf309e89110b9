package io.depcache.agent.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The catalogue of known keys: recognises a key (global, per manager, per rule), maps environment
 * variable names onto keys, and suggests the nearest known key for a typo.
 */
final class Keys {
  static final String PREFIX = "depcache.";
  static final String CONFIG = "depcache.config";
  static final String ENABLED = "depcache.enabled";

  /** Keys that exist only once, for the whole agent (without the {@code depcache.} prefix). */
  static final List<String> GLOBAL_ONLY =
      List.of(
          "config",
          "enabled",
          "single-flight.wait-ms",
          "lease.enabled",
          "lease.wait-ms",
          "invalidate.repeat-after-ms");

  /** Keys that a manager may override as {@code depcache.manager.<name>.<key>}. */
  static final List<String> MANAGER_SETTINGS =
      List.of(
          "backend",
          "redis.url",
          "redis.cluster.nodes",
          "redis.sentinel.master",
          "redis.sentinel.nodes",
          "redis.timeout-ms",
          "redis.user",
          "redis.password",
          "redis.tls.truststore",
          "redis.tls.truststore-password",
          "redis.tls.truststore-type",
          "redis.tls.keystore",
          "redis.tls.keystore-password",
          "redis.tls.keystore-type",
          "redis.tls.verify-hostname",
          "prefix",
          "ttl",
          "serializer",
          "serializer.allow",
          "signing-key",
          "signing-key.previous",
          "spool-dir",
          "max-entry-bytes",
          "on-error",
          "near-cache.enabled",
          "near-cache.max-entries",
          "near-cache.ttl",
          "near-cache.copy");

  static final List<String> TARGET_SETTINGS =
      List.of("method", "ttl", "dependencies", "key", "manager", "cache-exceptions", "cache-nulls");

  static final List<String> INVALIDATE_SETTINGS = List.of("method", "dependencies", "manager");

  /** Where a key belongs. */
  enum Scope {
    GLOBAL("depcache.", List.of()),
    MANAGER("depcache.manager.", MANAGER_SETTINGS),
    TARGET("depcache.target.", TARGET_SETTINGS),
    INVALIDATE("depcache.invalidate.", INVALIDATE_SETTINGS);

    final String prefix;
    final List<String> settings;

    Scope(String prefix, List<String> settings) {
      this.prefix = prefix;
      this.settings =
          settings.stream().sorted(Comparator.comparingInt(String::length).reversed()).toList();
    }
  }

  /**
   * A recognised key.
   *
   * @param scope where it belongs
   * @param name the manager name or rule id; {@code null} for global keys
   * @param setting the key without prefix and name, e.g. {@code redis.url} or {@code method}
   */
  record Parsed(Scope scope, String name, String setting) {}

  private Keys() {}

  /**
   * Recognises a full key; {@code null} when it is unknown. Global keys win, so that {@code
   * depcache.invalidate.repeat-after-ms} is never read as a rule with id {@code repeat-after-ms}.
   */
  static Parsed parse(String key) {
    if (!key.startsWith(PREFIX)) {
      return null;
    }
    String rest = key.substring(PREFIX.length());
    if (GLOBAL_ONLY.contains(rest) || MANAGER_SETTINGS.contains(rest)) {
      return new Parsed(Scope.GLOBAL, null, rest);
    }
    for (Scope scope : List.of(Scope.MANAGER, Scope.TARGET, Scope.INVALIDATE)) {
      if (key.startsWith(scope.prefix)) {
        String tail = key.substring(scope.prefix.length());
        for (String setting : scope.settings) {
          if (tail.length() > setting.length() + 1 && tail.endsWith("." + setting)) {
            return new Parsed(
                scope, tail.substring(0, tail.length() - setting.length() - 1), setting);
          }
        }
      }
    }
    return null;
  }

  /**
   * Maps {@code DEPCACHE_X_Y} onto a known key; {@code null} when nothing matches. Names in the
   * middle of scoped keys ({@code DEPCACHE_MANAGER_REPORTS_TTL}) are lower-cased.
   */
  static String fromEnvironment(String name) {
    for (String setting : globalSettings()) {
      if (normal(PREFIX + setting).equals(name)) {
        return PREFIX + setting;
      }
    }
    for (Scope scope : List.of(Scope.MANAGER, Scope.TARGET, Scope.INVALIDATE)) {
      String prefix = normal(scope.prefix);
      if (!name.startsWith(prefix)) {
        continue;
      }
      String tail = name.substring(prefix.length());
      for (String setting : scope.settings) {
        String suffix = "_" + normal(setting);
        if (tail.length() > suffix.length() && tail.endsWith(suffix)) {
          String middle = tail.substring(0, tail.length() - suffix.length());
          return scope.prefix + middle.toLowerCase(Locale.ROOT) + "." + setting;
        }
      }
    }
    return null;
  }

  /**
   * The known key nearest to a mistyped one, or {@code null} when none is close.
   *
   * @param written the key as written: {@code depcache.tll}, {@code tll} (no prefix) or {@code
   *     DEPCACHE_TLL}
   * @param environment whether {@code written} is an environment variable name; the suggestion then
   *     has that form too
   */
  static String suggest(String written, boolean environment) {
    String full = normal(written).startsWith("DEPCACHE_") ? written : PREFIX + written;
    String target = normal(full);
    List<String> candidates = new ArrayList<>();
    for (String setting : globalSettings()) {
      candidates.add(PREFIX + setting);
    }
    for (Scope scope : List.of(Scope.MANAGER, Scope.TARGET, Scope.INVALIDATE)) {
      int start = scope.prefix.length();
      if (!target.startsWith(normal(scope.prefix))) {
        continue;
      }
      // every split of the rest into name and setting, the name spelled as written
      for (int i = start + 1; i < target.length(); i++) {
        if (target.charAt(i) == '_') {
          String name = full.substring(start, i);
          name = environment ? name.toLowerCase(Locale.ROOT) : name;
          for (String setting : scope.settings) {
            candidates.add(scope.prefix + name + "." + setting);
          }
        }
      }
    }
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : candidates) {
      int distance = distance(target, normal(candidate));
      if (distance < bestDistance) {
        best = candidate;
        bestDistance = distance;
      }
    }
    if (best == null) {
      return null;
    }
    // a fifth of the longer key, not counting the prefix, but always two edits
    int longer = Math.max(target.length(), best.length()) - PREFIX.length();
    if (bestDistance > Math.max(2, longer / 5)) {
      return null;
    }
    return environment ? normal(best) : best;
  }

  /** Upper case, {@code .} and {@code -} as {@code _}: the form of environment variable names. */
  static String normal(String key) {
    return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  private static List<String> globalSettings() {
    List<String> all = new ArrayList<>(GLOBAL_ONLY);
    all.addAll(MANAGER_SETTINGS);
    return all;
  }

  private static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
