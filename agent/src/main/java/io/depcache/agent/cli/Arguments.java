package io.depcache.agent.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A command's arguments: the words that are not options, in order, and its options, accepted before
 * or after them as {@code --name value} or {@code --name=value}; {@code --} ends the options.
 */
final class Arguments {
  static final Set<String> COMMON_VALUES = Set.of("--config", "--manager");
  static final Set<String> COMMON_FLAGS = Set.of("--json");

  private final List<String> words;
  private final Map<String, String> values;
  private final Set<String> flags;

  private Arguments(List<String> words, Map<String, String> values, Set<String> flags) {
    this.words = words;
    this.values = values;
    this.flags = flags;
  }

  /** Bad usage: the message names what was wrong. */
  static final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }

  static Arguments parse(Command command, String[] args) throws UsageException {
    Set<String> valued = new HashSet<>(COMMON_VALUES);
    valued.addAll(command.valueOptions());
    Set<String> known = new HashSet<>(COMMON_FLAGS);
    known.addAll(command.flags());
    List<String> words = new ArrayList<>();
    Map<String, String> values = new HashMap<>();
    Set<String> flags = new HashSet<>();
    boolean options = true;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (options && arg.equals("--")) {
        options = false;
      } else if (options && arg.startsWith("-") && arg.length() > 1) {
        int eq = arg.indexOf('=');
        String name = eq > 0 ? arg.substring(0, eq) : arg;
        if (valued.contains(name)) {
          String value;
          if (eq > 0) {
            value = arg.substring(eq + 1);
          } else if (i + 1 < args.length) {
            value = args[++i];
          } else {
            throw new UsageException("option " + name + " needs a value");
          }
          if (values.put(name, value) != null) {
            throw new UsageException("option " + name + " given twice");
          }
        } else if (known.contains(name) && eq < 0) {
          flags.add(name);
        } else {
          throw new UsageException("unknown option '" + arg + "'");
        }
      } else {
        words.add(arg);
      }
    }
    return new Arguments(List.copyOf(words), values, flags);
  }

  List<String> words() {
    return words;
  }

  String value(String option) {
    return values.get(option);
  }

  boolean flag(String option) {
    return flags.contains(option);
  }

  boolean json() {
    return flag("--json");
  }

  /** {@code --manager}, or the default manager. */
  String manager() {
    String manager = values.get("--manager");
    return manager == null ? "default" : manager;
  }
}
