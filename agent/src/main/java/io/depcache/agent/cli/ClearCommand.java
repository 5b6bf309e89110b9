package io.depcache.agent.cli;

import io.depcache.agent.runtime.Operations;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code clear}: removes every entry of one manager. */
final class ClearCommand extends StoreCommand {
  @Override
  public String name() {
    return "clear";
  }

  @Override
  public String summary() {
    return "remove every entry of the manager";
  }

  @Override
  public String usage() {
    return "clear [--manager NAME] [--config FILE] [--json]";
  }

  @Override
  public String details() {
    return """
        Removes every entry of the manager (default: default) and its dependency sets, in
        batches, as CacheManager.clear does; other managers are untouched. Prints
          removed: <entries>
        Exit 0; 2 on bad usage or when Redis could not be reached.""";
  }

  @Override
  void validate(Arguments args) throws Arguments.UsageException {
    if (!args.words().isEmpty()) {
      throw new Arguments.UsageException(
          "takes no argument, got '" + args.words().get(0) + "' (--manager NAME chooses one)");
    }
  }

  @Override
  String notApplied() {
    return "; not cleared";
  }

  @Override
  int execute(Operations operations, Arguments args, PrintStream out, PrintStream err) {
    long removed = operations.clear(args.manager());
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("manager", args.manager());
    result.put("removed", removed);
    Output.print(out, result, args.json());
    return 0;
  }
}
