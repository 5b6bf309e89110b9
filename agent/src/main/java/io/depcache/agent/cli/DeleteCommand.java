package io.depcache.agent.cli;

import io.depcache.agent.runtime.Operations;
import io.depcache.agent.runtime.Operations.OperationException;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code delete <key>...}: deletes entries by the keys {@code currentCacheKey()} gives. */
final class DeleteCommand extends StoreCommand {
  @Override
  public String name() {
    return "delete";
  }

  @Override
  public String summary() {
    return "delete entries by their keys";
  }

  @Override
  public String usage() {
    return "delete <key>... [--manager NAME] [--config FILE] [--json]";
  }

  @Override
  public String details() {
    return """
        Deletes each entry of the manager by its key, written as DepCache.currentCacheKey()
        prints it (quote it for the shell), e.g. 'com.example.UserService#profile(42)'.
        Prints per key: deleted, or absent.
        Exit 0 when every key was deleted; 1 when one was absent; 2 on bad usage or when Redis
        could not be reached.""";
  }

  @Override
  void validate(Arguments args) throws Arguments.UsageException {
    if (args.words().isEmpty()) {
      throw new Arguments.UsageException("expected at least one key");
    }
    for (String key : args.words()) {
      if (key.isEmpty()) {
        throw new Arguments.UsageException("a key must not be empty");
      }
    }
  }

  @Override
  int execute(Operations operations, Arguments args, PrintStream out, PrintStream err) {
    Map<String, Object> outcome = new LinkedHashMap<>();
    List<String> keys = args.words();
    boolean absent = false;
    for (int i = 0; i < keys.size(); i++) {
      try {
        boolean deleted = operations.delete(args.manager(), keys.get(i)) > 0;
        absent |= !deleted;
        outcome.put(keys.get(i), deleted ? "deleted" : "absent");
      } catch (OperationException e) {
        print(args, outcome, out);
        err.println(
            "delete: "
                + e.getMessage()
                + "; not deleted: "
                + String.join(", ", keys.subList(i, keys.size())));
        return 2;
      }
    }
    print(args, outcome, out);
    return absent ? 1 : 0;
  }

  private static void print(Arguments args, Map<String, Object> outcome, PrintStream out) {
    if (args.json()) {
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("manager", args.manager());
      result.put("keys", outcome);
      out.println(Output.json(result));
    } else {
      Output.print(out, outcome, false);
    }
  }
}
