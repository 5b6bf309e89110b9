package io.depcache.agent.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Builds target and invalidation rules from their keys, grouped by id. */
final class Rules {
  private Rules() {}

  /**
   * Builds the target rules.
   *
   * @param byId for each id (in the order to keep), its settings by setting name
   */
  static List<TargetRule> targets(Map<String, Map<String, Setting>> byId, Problems problems) {
    List<TargetRule> rules = new ArrayList<>();
    byId.forEach(
        (id, settings) -> {
          int before = problems.size();
          String method = method("depcache.target." + id, settings, problems);
          Long ttl = null;
          List<String> dependencies = List.of();
          List<String> cacheExceptions = List.of();
          Boolean cacheNulls = null;
          Setting s;
          if ((s = settings.get("ttl")) != null) {
            ttl = Values.whole(s, -1, Long.MAX_VALUE, "a whole number of seconds >= -1", problems);
          }
          if ((s = settings.get("dependencies")) != null) {
            dependencies = Values.list(s.value());
          }
          if ((s = settings.get("cache-exceptions")) != null) {
            cacheExceptions = Values.classNames(s, problems);
          }
          if ((s = settings.get("cache-nulls")) != null) {
            cacheNulls = Values.bool(s, problems);
          }
          String key = text(settings.get("key"), "a non-empty key template", problems);
          String manager = manager(settings.get("manager"), problems);
          if (problems.size() == before) {
            rules.add(
                new TargetRule(
                    id,
                    method,
                    ttl,
                    dependencies,
                    key,
                    manager,
                    cacheExceptions,
                    cacheNulls,
                    settings.get("method").source()));
          }
        });
    return rules;
  }

  static List<InvalidationRule> invalidations(
      Map<String, Map<String, Setting>> byId, Problems problems) {
    List<InvalidationRule> rules = new ArrayList<>();
    byId.forEach(
        (id, settings) -> {
          int before = problems.size();
          String label = "depcache.invalidate." + id;
          String method = method(label, settings, problems);
          Setting deps = settings.get("dependencies");
          List<String> dependencies = deps == null ? List.of() : Values.list(deps.value());
          if (deps == null) {
            problems.add(
                label
                    + ".dependencies is required when other "
                    + label
                    + ".* keys are set ("
                    + anySource(settings)
                    + ")");
          } else if (dependencies.isEmpty()) {
            problems.invalid(deps, "a comma-separated list of dependency templates");
          }
          String manager = manager(settings.get("manager"), problems);
          if (problems.size() == before) {
            rules.add(
                new InvalidationRule(
                    id, method, dependencies, manager, settings.get("method").source()));
          }
        });
    return rules;
  }

  private static String method(String label, Map<String, Setting> settings, Problems problems) {
    Setting method = settings.get("method");
    if (method == null) {
      problems.add(
          label
              + ".method is required when other "
              + label
              + ".* keys are set ("
              + anySource(settings)
              + ")");
      return null;
    }
    return Values.methodPattern(method, problems);
  }

  private static String manager(Setting s, Problems problems) {
    if (s == null || s.value().isEmpty()) {
      return null;
    }
    if (!Values.isName(s.value())) {
      problems.invalid(s, "a manager name of letters, digits, '_', '.' or '-'");
      return null;
    }
    return s.value();
  }

  private static String text(Setting s, String expected, Problems problems) {
    return s == null ? null : Values.nonEmpty(s, expected, problems);
  }

  private static String anySource(Map<String, Setting> settings) {
    return settings.values().iterator().next().source();
  }
}
