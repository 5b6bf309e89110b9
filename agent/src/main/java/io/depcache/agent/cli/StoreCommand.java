package io.depcache.agent.cli;

import io.depcache.agent.config.AgentConfig;
import io.depcache.agent.config.ConfigException;
import io.depcache.agent.runtime.Operations;
import io.depcache.agent.runtime.Operations.OperationException;
import java.io.PrintStream;
import java.util.HashMap;
import java.util.Map;

/**
 * A command that acts on the configured Redis: it reads the configuration as the agent would (its
 * system properties and environment, and {@code --config}), opens the runtime's {@link Operations}
 * and turns a store failure into one line and exit status 2.
 */
abstract class StoreCommand implements Command {
  /** Checks the arguments before anything connects. */
  abstract void validate(Arguments args) throws Arguments.UsageException;

  /** Runs against the store; a store failure is thrown as {@link OperationException}. */
  abstract int execute(Operations operations, Arguments args, PrintStream out, PrintStream err);

  @Override
  public final int run(Arguments args, PrintStream out, PrintStream err)
      throws Arguments.UsageException {
    validate(args);
    AgentConfig config;
    try {
      config = load(args);
    } catch (ConfigException e) {
      err.println(name() + ": the configuration is broken:");
      err.println(e.getMessage());
      return 2;
    }
    try (Operations operations = Operations.forCommandLine(config)) {
      operations.settings(args.manager());
      return execute(operations, args, out, err);
    } catch (OperationException e) {
      err.println(name() + ": " + e.getMessage() + notApplied());
      return 2;
    }
  }

  /** What a failure leaves undone, said after its message; nothing for a read. */
  String notApplied() {
    return "";
  }

  static AgentConfig load(Arguments args) throws ConfigException {
    Map<String, String> properties = new HashMap<>();
    System.getProperties().forEach((k, v) -> properties.put(String.valueOf(k), String.valueOf(v)));
    String file = args.value("--config");
    if (file != null) {
      properties.put("depcache.config", file);
    }
    return AgentConfig.load(null, properties, System.getenv());
  }
}
