package io.depcache.agent.cli;

import java.io.PrintStream;
import java.util.Arrays;

/** Dispatches {@code java -jar depcache-agent.jar <command> ...} to its command. */
public final class Cli {
  /**
   * The system properties the agent leaves in the JVM it runs in, for {@code attach} to read
   * through the attach API: whether it is installed ({@code premain} or {@code attach}), and one
   * line saying what its last start did.
   */
  public static final String INSTALLED_PROPERTY = "io.depcache.agent.installed";

  public static final String STATUS_PROPERTY = "io.depcache.agent.status";

  static final String USAGE =
      "usage: java -jar depcache-agent.jar check [--config depcache.properties]"
          + " --classpath app.jar:lib/* [--strict]"
          + System.lineSeparator()
          + "       java -jar depcache-agent.jar attach <pid> [k=v,...] [--json]";

  private Cli() {}

  /**
   * Runs one command.
   *
   * @param args the command and its arguments
   * @param out where results go
   * @param err where usage and failures go
   * @return the exit status: 0 fine, 1 a rule or configuration is broken, 2 bad usage
   */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length == 0) {
      err.println(USAGE);
      return 2;
    }
    String[] rest = Arrays.copyOfRange(args, 1, args.length);
    switch (args[0]) {
      case "check":
        return CheckCommand.run(rest, out, err);
      case "attach":
        return AttachCommand.run(rest, out, err);
      case "help", "--help", "-h":
        out.println(USAGE);
        return 0;
      default:
        err.println("unknown command '" + args[0] + "'");
        err.println(USAGE);
        return 2;
    }
  }
}
