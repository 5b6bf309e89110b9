package io.depcache.agent.cli;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;

/** Dispatches {@code java -jar depcache-agent.jar <command> ...} to its command. */
public final class Cli {
  /**
   * The system properties the agent leaves in the JVM it runs in, for {@code attach} to read
   * through the attach API: whether it is installed ({@code premain} or {@code attach}), and one
   * line saying what its last start did.
   */
  public static final String INSTALLED_PROPERTY = "io.depcache.agent.installed";

  public static final String STATUS_PROPERTY = "io.depcache.agent.status";

  /** Every command, in the order {@code help} lists them. */
  private static final List<Command> COMMANDS =
      List.of(
          new InvalidateCommand(),
          new DeleteCommand(),
          new InspectCommand(),
          new DependentsCommand(),
          new StatsCommand(),
          new ClearCommand(),
          new CheckCommand(),
          new AttachCommand());

  private static final String PREFIX = "java -jar depcache-agent.jar ";

  private Cli() {}

  /**
   * Runs one command.
   *
   * @param args the command and its arguments
   * @param out where results go
   * @param err where usage and failures go
   * @return the exit status: 0 fine, 1 the command ran and found a problem, 2 bad usage or an
   *     unreachable store
   */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length == 0) {
      err.println("expected a command");
      overview(err);
      return 2;
    }
    String[] rest = Arrays.copyOfRange(args, 1, args.length);
    if (List.of("help", "--help", "-h").contains(args[0])) {
      return help(rest, out, err);
    }
    Command command = find(args[0]);
    if (command == null) {
      err.println("unknown command '" + args[0] + "'");
      overview(err);
      return 2;
    }
    try {
      return command.run(Arguments.parse(command, rest), out, err);
    } catch (Arguments.UsageException e) {
      err.println(command.name() + ": " + e.getMessage());
      err.println("usage: " + PREFIX + command.usage());
      return 2;
    }
  }

  private static Command find(String name) {
    for (Command command : COMMANDS) {
      if (command.name().equals(name)) {
        return command;
      }
    }
    return null;
  }

  private static int help(String[] rest, PrintStream out, PrintStream err) {
    if (rest.length == 0) {
      overview(out);
      return 0;
    }
    Command command = rest.length == 1 ? find(rest[0]) : null;
    if (command == null) {
      err.println(
          rest.length == 1
              ? "help: unknown command '" + rest[0] + "'"
              : "help: expected one command name at most");
      overview(err);
      return 2;
    }
    out.println("usage: " + PREFIX + command.usage());
    out.println();
    out.println(command.details());
    out.println();
    out.println(COMMON);
    return 0;
  }

  private static final String COMMON =
      """
      Options, before or after the arguments: --config FILE (the properties file, as
      depcache.config), --manager NAME (default: default), --json (one JSON document).
      The configuration comes from the same sources as the agent's: system properties
      (-Ddepcache.redis.url=...), DEPCACHE_* and REDIS_* variables, the file.""";

  private static void overview(PrintStream out) {
    out.println("usage: " + PREFIX + "<command> [options] [arguments]");
    out.println();
    for (Command command : COMMANDS) {
      out.printf("  %-11s %s%n", command.name(), command.summary());
    }
    out.printf("  %-11s %s%n", "help", "help [command]: what a command does, its options");
    out.println();
    out.println("Exit status: 0 success, 1 the command found a problem, 2 bad usage or Redis");
    out.println("unreachable.");
  }
}
