package io.depcache.agent.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The agent's whole configuration, read once from every source and immutable afterwards.
 *
 * <p>Sources, highest precedence first: agent arguments ({@code k=v,k2=v2}, keys with or without
 * the {@code depcache.} prefix, {@code \,} for a comma inside a value), system properties ({@code
 * depcache.*}), environment variables ({@code DEPCACHE_X_Y} for {@code depcache.x.y}; for scoped
 * keys such as {@code DEPCACHE_MANAGER_REPORTS_TTL} the name in the middle is lower-cased), the
 * original library's variables ({@code REDIS_URL}, {@code REDIS_HOST}/{@code PORT}/{@code
 * PASSWORD}/{@code DB}, {@code DEP_CACHE_ENABLED}, {@code DEP_CACHE_PREFIX}), the properties file
 * named by {@code depcache.config} in any of those, and the defaults.
 *
 * <p>Every problem in every source is collected and thrown together; unknown {@code depcache.} keys
 * are problems too. Booleans are strictly {@code true} or {@code false} (any case), except that
 * {@code DEP_CACHE_ENABLED} keeps the original's {@code 1/0/yes/no/on/off}. The manager named
 * {@code default} is the default manager, so {@code depcache.manager.default.*} overrides it.
 */
public final class AgentConfig {
  private final boolean enabled;
  private final String configFile;
  private final ManagerSettings base;
  private final Map<String, ManagerConfig> managers;
  private final List<TargetRule> targets;
  private final List<InvalidationRule> invalidations;
  private final long singleFlightWaitMs;
  private final boolean leaseEnabled;
  private final long leaseWaitMs;
  private final long invalidateRepeatAfterMs;
  private final List<String> warnings;

  private AgentConfig(ConfigBuilder b, List<String> warnings) {
    this.warnings = warnings;
    enabled = b.enabled;
    configFile = b.configFile;
    base = b.base;
    managers = Collections.unmodifiableMap(b.managers);
    targets = List.copyOf(b.targets);
    invalidations = List.copyOf(b.invalidations);
    singleFlightWaitMs = b.singleFlightWaitMs;
    leaseEnabled = b.leaseEnabled;
    leaseWaitMs = b.leaseWaitMs;
    invalidateRepeatAfterMs = b.invalidateRepeatAfterMs;
  }

  /**
   * Reads and checks the configuration.
   *
   * @param agentArgs the {@code -javaagent:} argument string, may be {@code null}
   * @param systemProperties the system properties; only {@code depcache.*} are read
   * @param environment the environment variables
   * @return the configuration
   * @throws ConfigException listing every problem found, one line each
   */
  public static AgentConfig load(
      String agentArgs, Map<String, String> systemProperties, Map<String, String> environment)
      throws ConfigException {
    Problems problems = new Problems();
    List<List<Setting>> layers = new ArrayList<>();
    layers.add(Sources.agentArguments(agentArgs, problems));
    layers.add(Sources.systemProperties(systemProperties));
    layers.add(Sources.environment(environment, problems));
    layers.add(Sources.originalEnvironment(environment, problems));
    Setting config = effective(layers).get(Keys.CONFIG);
    if (config != null && !config.value().isEmpty()) {
      List<Setting> file = PropertiesFile.read(config.value(), config.source(), problems);
      for (Setting s : file) {
        if (s.key().equals(Keys.CONFIG)) {
          problems.add(
              "depcache.config has no effect inside the properties file; set it as an agent"
                  + " argument, system property or DEPCACHE_CONFIG ("
                  + s.source()
                  + ")");
        }
      }
      layers.add(file.stream().filter(s -> !s.key().equals(Keys.CONFIG)).toList());
    }
    for (List<Setting> layer : layers) {
      for (Setting s : layer) {
        if (Keys.parse(s.key()) == null) {
          unknown(s, problems);
        }
      }
    }
    ConfigBuilder builder = new ConfigBuilder();
    builder.assemble(effective(layers), problems);
    problems.throwIfAny();
    return new AgentConfig(builder, problems.warnings());
  }

  /** Findings that did not stop the agent (unknown {@code DEPCACHE_*} variables), one line each. */
  public List<String> warnings() {
    return warnings;
  }

  /** Whether the agent instruments anything ({@code depcache.enabled}). */
  public boolean enabled() {
    return enabled;
  }

  /** The path of the properties file as given, or {@code null} when none was named. */
  public String configFile() {
    return configFile;
  }

  /** The default manager: the global keys over the defaults, then {@code manager.default.*}. */
  public ManagerConfig defaultManager() {
    return manager(ManagerSettings.DEFAULT_NAME);
  }

  /**
   * The settings of a named manager: its {@code depcache.manager.<name>.*} keys over the global
   * ones; a name without keys of its own gets the global settings under that name.
   *
   * @param name the manager's name; {@code null} or {@code ""} for the default manager
   * @return the manager's settings
   */
  public ManagerConfig manager(String name) {
    String n = name == null || name.isEmpty() ? ManagerSettings.DEFAULT_NAME : name;
    ManagerConfig configured = managers.get(n);
    return configured != null ? configured : base.build(n);
  }

  /** The names that have {@code depcache.manager.<name>.*} keys, sorted. */
  public Set<String> configuredManagerNames() {
    return Collections.unmodifiableSet(new TreeSet<>(managers.keySet()));
  }

  /** The methods cached by configuration, by id. */
  public List<TargetRule> targets() {
    return targets;
  }

  /** The methods that invalidate by configuration, by id. */
  public List<InvalidationRule> invalidations() {
    return invalidations;
  }

  /** How long a concurrent miss waits for the first computation of its key. */
  public long singleFlightWaitMs() {
    return singleFlightWaitMs;
  }

  /** Whether a cross-JVM lease limits stampedes ({@code depcache.lease.enabled}). */
  public boolean leaseEnabled() {
    return leaseEnabled;
  }

  /** How long a miss waits for another JVM's lease. */
  public long leaseWaitMs() {
    return leaseWaitMs;
  }

  /** After how long an invalidation is repeated; {@code 0}: never. */
  public long invalidateRepeatAfterMs() {
    return invalidateRepeatAfterMs;
  }

  /** A one-line summary for the start-up log; passwords and keys are never shown. */
  public String describe() {
    Map<String, ManagerConfig> all = new TreeMap<>(managers);
    all.putIfAbsent(ManagerSettings.DEFAULT_NAME, defaultManager());
    String managerText =
        all.values().stream().map(AgentConfig::describe).collect(Collectors.joining(", "));
    return "depcache "
        + (enabled ? "enabled" : "disabled")
        + ", config file "
        + (configFile == null ? "none" : configFile)
        + ", managers ["
        + managerText
        + "], "
        + targets.size()
        + " target rule(s), "
        + invalidations.size()
        + " invalidation rule(s), single-flight wait "
        + singleFlightWaitMs
        + " ms, lease "
        + (leaseEnabled ? "on (wait " + leaseWaitMs + " ms)" : "off")
        + (invalidateRepeatAfterMs > 0
            ? ", invalidations repeated after " + invalidateRepeatAfterMs + " ms"
            : "");
  }

  @Override
  public String toString() {
    return "AgentConfig[" + describe() + "]";
  }

  private static String describe(ManagerConfig m) {
    String where;
    if (m.inMemory()) {
      where = "memory";
    } else if (!m.clusterNodes().isEmpty()) {
      where = "redis cluster " + m.clusterNodes();
    } else if (m.sentinelMaster() != null) {
      where = "redis sentinel " + m.sentinelMaster() + " " + m.sentinelNodes();
    } else {
      where = m.redactedRedisUrl();
    }
    return m.name()
        + ": "
        + where
        + " prefix="
        + m.prefix()
        + " ttl="
        + m.ttlSeconds()
        + "s timeout="
        + m.timeoutMs()
        + "ms serializer="
        + m.serializer()
        + " signed="
        + (m.signingKey() != null)
        + " on-error="
        + (m.failOnError() ? "fail" : "bypass")
        + " near-cache="
        + m.nearCache();
  }

  /** Per key, the setting of the highest layer; within one layer the last one wins. */
  private static Map<String, Setting> effective(List<List<Setting>> layers) {
    Map<String, Setting> result = new LinkedHashMap<>();
    for (List<Setting> layer : layers) {
      Map<String, Setting> own = new LinkedHashMap<>();
      layer.forEach(s -> own.put(s.key(), s));
      own.forEach(result::putIfAbsent);
    }
    return result;
  }

  private static void unknown(Setting s, Problems problems) {
    String written =
        s.source().startsWith("agent argument ")
            ? s.source().substring("agent argument ".length())
            : s.key();
    String hint = Keys.suggest(written, false);
    problems.add(
        s.key()
            + " is not a known setting"
            + (hint == null ? "" : ", did you mean " + hint + "?")
            + " ("
            + s.source()
            + ")");
  }
}
