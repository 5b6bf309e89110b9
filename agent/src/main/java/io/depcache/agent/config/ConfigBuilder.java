package io.depcache.agent.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Turns the effective settings (one per key) into checked values for {@link AgentConfig}. */
final class ConfigBuilder {
  private static final String NAME_CHARS = "letters, digits, '_', '.' or '-'";

  boolean enabled = true;
  String configFile;
  final ManagerSettings base = new ManagerSettings();
  final Map<String, ManagerConfig> managers = new LinkedHashMap<>();
  List<TargetRule> targets = List.of();
  List<InvalidationRule> invalidations = List.of();
  long singleFlightWaitMs = 10_000;
  boolean leaseEnabled;
  long leaseWaitMs = 2_000;
  long invalidateRepeatAfterMs;

  /**
   * Checks every effective setting; unknown keys are skipped (they were reported already).
   *
   * @param effective per key, the setting that won
   */
  void assemble(Map<String, Setting> effective, Problems problems) {
    Map<String, Map<String, Setting>> managerKeys = new TreeMap<>();
    Map<String, Map<String, Setting>> targetKeys = new TreeMap<>();
    Map<String, Map<String, Setting>> invalidateKeys = new TreeMap<>();
    for (Setting s : effective.values()) {
      Keys.Parsed key = Keys.parse(s.key());
      if (key == null) {
        continue;
      }
      Map<String, Map<String, Setting>> group =
          switch (key.scope()) {
            case GLOBAL -> null;
            case MANAGER -> managerKeys;
            case TARGET -> targetKeys;
            case INVALIDATE -> invalidateKeys;
          };
      if (group == null) {
        global(key.setting(), s, problems);
      } else if (!Values.isName(key.name())) {
        String what = key.scope() == Keys.Scope.MANAGER ? "manager name" : "rule id";
        problems.add(
            s.key()
                + " has an invalid "
                + what
                + " '"
                + key.name()
                + "': expected "
                + NAME_CHARS
                + " ("
                + s.source()
                + ")");
      } else {
        group.computeIfAbsent(key.name(), n -> new LinkedHashMap<>()).put(key.setting(), s);
      }
    }
    base.checkCombinations("depcache", problems);
    managerKeys.forEach(
        (name, settings) -> {
          ManagerSettings manager = base.copy();
          settings.forEach((setting, s) -> manager.apply(setting, s, problems));
          // combinations inherited unchanged from the global keys were reported just above
          if (settings.keySet().stream().anyMatch(ManagerSettings::isCombined)) {
            manager.checkCombinations("depcache.manager." + name, problems);
          }
          managers.put(name, manager.build(name));
        });
    targets = Rules.targets(targetKeys, problems);
    invalidations = Rules.invalidations(invalidateKeys, problems);
  }

  private void global(String setting, Setting s, Problems problems) {
    switch (setting) {
      case "config" -> configFile = Values.nonEmpty(s, "the path of a properties file", problems);
      case "enabled" -> {
        Boolean value = Values.bool(s, problems);
        enabled = value == null || value;
      }
      case "single-flight.wait-ms" -> singleFlightWaitMs = millis(s, singleFlightWaitMs, problems);
      case "lease.enabled" -> leaseEnabled = Boolean.TRUE.equals(Values.bool(s, problems));
      case "lease.wait-ms" -> leaseWaitMs = millis(s, leaseWaitMs, problems);
      case "invalidate.repeat-after-ms" -> {
        Long value =
            Values.whole(s, 0, Long.MAX_VALUE, "a whole number of milliseconds >= 0", problems);
        invalidateRepeatAfterMs = value == null ? invalidateRepeatAfterMs : value;
      }
      default -> base.apply(setting, s, problems);
    }
  }

  private static long millis(Setting s, long fallback, Problems problems) {
    Long value =
        Values.whole(
            s, 0, Integer.MAX_VALUE, "a whole number of milliseconds 0-2147483647", problems);
    return value == null ? fallback : value;
  }
}
