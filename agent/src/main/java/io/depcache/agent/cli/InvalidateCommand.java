package io.depcache.agent.cli;

import io.depcache.agent.runtime.Operations;
import io.depcache.agent.runtime.Operations.OperationException;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code invalidate <dependency>...}: removes every entry that depends on each, on every JVM. */
final class InvalidateCommand extends StoreCommand {
  @Override
  public String name() {
    return "invalidate";
  }

  @Override
  public String summary() {
    return "remove every entry that depends on each dependency";
  }

  @Override
  public String usage() {
    return "invalidate <dependency>... [--manager NAME] [--config FILE] [--json]";
  }

  @Override
  public String details() {
    return """
        Invalidates each dependency of the manager (default: default) as
        CacheManager.invalidateDependency does, and prints the entries removed per dependency:
          user:42: 3
        Exit 0 when every invalidation was applied; 2 on bad usage or when Redis could not be
        reached (the line says which dependencies were not applied: nothing retries them).""";
  }

  @Override
  void validate(Arguments args) throws Arguments.UsageException {
    if (args.words().isEmpty()) {
      throw new Arguments.UsageException("expected at least one dependency, e.g. user:42");
    }
    for (String dependency : args.words()) {
      if (dependency.isEmpty()) {
        throw new Arguments.UsageException("a dependency must not be empty");
      }
    }
  }

  @Override
  int execute(Operations operations, Arguments args, PrintStream out, PrintStream err) {
    Map<String, Object> removed = new LinkedHashMap<>();
    List<String> dependencies = args.words();
    for (int i = 0; i < dependencies.size(); i++) {
      try {
        removed.put(
            dependencies.get(i), operations.invalidate(args.manager(), dependencies.get(i)));
      } catch (OperationException e) {
        print(args, removed, out);
        err.println(
            "invalidate: "
                + e.getMessage()
                + "; not applied: "
                + String.join(", ", dependencies.subList(i, dependencies.size())));
        return 2;
      }
    }
    print(args, removed, out);
    return 0;
  }

  private static void print(Arguments args, Map<String, Object> removed, PrintStream out) {
    if (args.json()) {
      long total = removed.values().stream().mapToLong(n -> (Long) n).sum();
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("manager", args.manager());
      result.put("removed", removed);
      result.put("total", total);
      out.println(Output.json(result));
    } else {
      Output.print(out, removed, false);
    }
  }
}
