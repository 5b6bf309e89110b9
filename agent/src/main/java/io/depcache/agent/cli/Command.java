package io.depcache.agent.cli;

import java.io.PrintStream;
import java.util.Set;

/**
 * One command of {@code java -jar depcache-agent.jar <command>}: its name, what {@code help} says
 * of it, the options it takes besides the common ones, and what it does.
 */
interface Command {
  String name();

  /** One line for {@code help}. */
  String summary();

  /** The usage line, e.g. {@code invalidate <dependency>... [--manager NAME] [--json]}. */
  String usage();

  /** What {@code help <command>} adds below the usage: options, output, exit status. */
  String details();

  /** Options that take a value, besides {@code --config} and {@code --manager}. */
  default Set<String> valueOptions() {
    return Set.of();
  }

  /** Options without a value, besides {@code --json}. */
  default Set<String> flags() {
    return Set.of();
  }

  /**
   * Runs the command.
   *
   * @param args its parsed arguments and options
   * @return 0 success, 1 it ran and found a problem, 2 bad usage or an unreachable store
   * @throws Arguments.UsageException on bad usage, which the caller prints with the usage line
   */
  int run(Arguments args, PrintStream out, PrintStream err) throws Arguments.UsageException;
}
