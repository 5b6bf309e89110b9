package io.depcache.agent;

import io.depcache.agent.config.AgentConfig;
import io.depcache.agent.config.ConfigException;
import io.depcache.agent.instrument.AgentInstaller;
import io.depcache.agent.runtime.CallPath;
import io.depcache.agent.runtime.Managers;
import io.depcache.agent.runtime.MethodRegistry;
import io.depcache.agent.serial.AllowList;
import io.depcache.bridge.Bridge;
import java.lang.instrument.Instrumentation;
import java.util.HashMap;
import java.util.Map;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.agent.builder.ResettableClassFileTransformer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the configuration and, when it is valid and enabled, connects the runtime to the bridge and
 * installs the instrumentation. Runs after the API is on the bootstrap path.
 */
public final class AgentMain {
  private static final Logger LOG = LoggerFactory.getLogger("depcache");

  private AgentMain() {}

  static Installation install(String arguments, Instrumentation instrumentation) {
    Map<String, String> properties = new HashMap<>();
    System.getProperties().forEach((k, v) -> properties.put(String.valueOf(k), String.valueOf(v)));
    return install(arguments, instrumentation, properties, System.getenv());
  }

  /**
   * Installs the agent with explicit configuration sources.
   *
   * @return the installation, or {@code null} when the configuration stopped it
   */
  public static Installation install(
      String arguments,
      Instrumentation instrumentation,
      Map<String, String> systemProperties,
      Map<String, String> environment) {
    AgentConfig config;
    try {
      config = AgentConfig.load(arguments, systemProperties, environment);
    } catch (ConfigException e) {
      LOG.error(
          "depcache agent not installed; the application runs uncached. Configuration"
              + " problems:{}{}",
          System.lineSeparator(),
          e.getMessage());
      return null;
    }
    if (!config.enabled()) {
      LOG.info("depcache disabled (depcache.enabled=false): nothing is instrumented");
      return null;
    }
    String unsupported = Unsupported.find(config);
    if (unsupported != null) {
      LOG.error("depcache agent not installed; the application runs uncached: {}", unsupported);
      return null;
    }
    AllowList allowList = new AllowList();
    Managers managers = new Managers(config, allowList);
    MethodRegistry registry = new MethodRegistry();
    CallPath callPath = new CallPath(managers, registry);
    Bridge.install(callPath);
    ResettableClassFileTransformer transformer =
        AgentInstaller.install(
            instrumentation, registry, allowList, config.targets(), config.invalidations());
    Thread shutdown = new Thread(managers::close, "depcache-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdown);
    Installation installation =
        new Installation(instrumentation, transformer, callPath, managers, registry, shutdown);
    LOG.info("depcache agent installed: {}", config.describe());
    return installation;
  }

  /** A running agent; tests undo it with {@link #uninstall()}. */
  public static final class Installation {
    private final Instrumentation instrumentation;
    private final ResettableClassFileTransformer transformer;
    private final CallPath callPath;
    private final Managers managers;
    private final MethodRegistry registry;
    private final Thread shutdown;

    Installation(
        Instrumentation instrumentation,
        ResettableClassFileTransformer transformer,
        CallPath callPath,
        Managers managers,
        MethodRegistry registry,
        Thread shutdown) {
      this.instrumentation = instrumentation;
      this.shutdown = shutdown;
      this.transformer = transformer;
      this.callPath = callPath;
      this.managers = managers;
      this.registry = registry;
    }

    public MethodRegistry registry() {
      return registry;
    }

    /** Restores the original classes, disconnects the bridge and closes the stores. */
    public void uninstall() {
      callPath.deactivate();
      Bridge.uninstall(callPath);
      transformer.reset(instrumentation, AgentBuilder.RedefinitionStrategy.RETRANSFORMATION);
      managers.close();
      try {
        Runtime.getRuntime().removeShutdownHook(shutdown);
      } catch (IllegalStateException e) {
        // the JVM is already shutting down: the hook runs anyway
      }
    }
  }
}
