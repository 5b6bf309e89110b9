package io.depcache.agent;

import io.depcache.agent.config.AgentConfig;
import io.depcache.agent.config.ConfigException;
import io.depcache.agent.instrument.AgentInstaller;
import io.depcache.agent.runtime.CallPath;
import io.depcache.agent.runtime.Managers;
import io.depcache.agent.runtime.MethodRegistry;
import io.depcache.agent.serial.AllowList;
import io.depcache.bridge.Bridge;
import java.io.IOException;
import java.lang.instrument.Instrumentation;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the configuration and, when it is valid and enabled, connects the runtime to the bridge and
 * installs the instrumentation. Runs after the API is on the bootstrap path.
 */
public final class AgentMain {
  private static final Logger LOG = LoggerFactory.getLogger("depcache");

  private AgentMain() {}

  /**
   * Installs the agent from the JVM's own configuration sources; called by {@link DepCacheAgent},
   * directly or (isolated) reflectively from the agent's own loader.
   *
   * @param bootstrapJar the agent's copy of the API, where its class files are read from
   * @param how {@code premain} or {@code attach}
   * @return one line saying what happened, which {@code attach} prints
   */
  public static String start(
      String arguments, Instrumentation instrumentation, Path bootstrapJar, String how) {
    Map<String, String> properties = new HashMap<>();
    System.getProperties().forEach((k, v) -> properties.put(String.valueOf(k), String.valueOf(v)));
    String[] status = new String[1];
    install(arguments, instrumentation, properties, System.getenv(), bootstrapJar, how, status);
    return status[0] + " (" + how + ")";
  }

  /**
   * Installs the agent with explicit configuration sources, reading the API's class files from
   * wherever the JVM finds them (tests, where the API is on the class path).
   *
   * @return the installation, or {@code null} when the configuration stopped it
   */
  public static Installation install(
      String arguments,
      Instrumentation instrumentation,
      Map<String, String> systemProperties,
      Map<String, String> environment) {
    return install(
        arguments,
        instrumentation,
        systemProperties,
        environment,
        null,
        "in process",
        new String[1]);
  }

  private static Installation install(
      String arguments,
      Instrumentation instrumentation,
      Map<String, String> systemProperties,
      Map<String, String> environment,
      Path bootstrapJar,
      String how,
      String[] status) {
    long started = System.nanoTime();
    AgentConfig config;
    try {
      config = AgentConfig.load(arguments, systemProperties, environment);
    } catch (ConfigException e) {
      LOG.error(
          "depcache agent not installed; the application runs uncached. Configuration"
              + " problems:{}{}",
          System.lineSeparator(),
          e.getMessage());
      status[0] = "not installed, configuration problems: " + e.getMessage().replace('\n', ' ');
      return null;
    }
    for (String warning : config.warnings()) {
      LOG.warn(warning);
    }
    if (!config.enabled()) {
      LOG.info("depcache disabled (depcache.enabled=false): nothing is instrumented");
      status[0] = "disabled (depcache.enabled=false): nothing is instrumented";
      return null;
    }
    String unsupported = Unsupported.find(config);
    if (unsupported != null) {
      LOG.error("depcache agent not installed; the application runs uncached: {}", unsupported);
      status[0] = "not installed: " + unsupported;
      return null;
    }
    AllowList allowList = new AllowList();
    Managers managers = new Managers(config, allowList);
    MethodRegistry registry = new MethodRegistry(allowList);
    CallPath callPath = new CallPath(managers, registry);
    Bridge.install(callPath);
    AgentInstaller.Installed undo;
    try {
      undo =
          how.equals("premain")
              ? AgentInstaller.installInBackground(
                  instrumentation, registry, config.targets(), config.invalidations(), bootstrapJar)
              : AgentInstaller.install(
                  instrumentation,
                  registry,
                  config.targets(),
                  config.invalidations(),
                  bootstrapJar);
    } catch (IOException e) {
      Bridge.uninstall(callPath);
      managers.close();
      LOG.error("depcache agent not installed; the application runs uncached: {}", e.toString());
      status[0] = "not installed: " + e;
      return null;
    }
    Thread shutdown = new Thread(managers::close, "depcache-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdown);
    Installation installation = new Installation(undo, callPath, managers, registry, shutdown);
    LOG.info(
        "depcache agent installed ({}, {} ms): {}",
        how,
        (System.nanoTime() - started) / 1_000_000,
        config.describe());
    status[0] = "installed: " + config.describe();
    return installation;
  }

  /** A running agent; tests undo it with {@link #uninstall()}. */
  public static final class Installation {
    private final AgentInstaller.Installed undo;
    private final CallPath callPath;
    private final Managers managers;
    private final MethodRegistry registry;
    private final Thread shutdown;

    Installation(
        AgentInstaller.Installed undo,
        CallPath callPath,
        Managers managers,
        MethodRegistry registry,
        Thread shutdown) {
      this.undo = undo;
      this.shutdown = shutdown;
      this.callPath = callPath;
      this.managers = managers;
      this.registry = registry;
    }

    public MethodRegistry registry() {
      return registry;
    }

    /** The managers of this installation; for tests that look at a manager's store. */
    public Managers managers() {
      return managers;
    }

    /** Restores the original classes, disconnects the bridge and closes the stores. */
    public void uninstall() {
      callPath.deactivate();
      Bridge.uninstall(callPath);
      undo.uninstall();
      managers.close();
      try {
        Runtime.getRuntime().removeShutdownHook(shutdown);
      } catch (IllegalStateException e) {
        // the JVM is already shutting down: the hook runs anyway
      }
    }
  }
}
