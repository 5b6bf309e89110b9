package io.depcache.agent.cli;

import io.depcache.agent.runtime.Operations;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code dependents <dependency> [--limit N]}: the entries that an invalidation would remove. */
final class DependentsCommand extends StoreCommand {
  static final int DEFAULT_LIMIT = 100;

  @Override
  public String name() {
    return "dependents";
  }

  @Override
  public String summary() {
    return "list the entries that depend on a dependency";
  }

  @Override
  public String usage() {
    return "dependents <dependency> [--limit N] [--manager NAME] [--config FILE] [--json]";
  }

  @Override
  public String details() {
    return """
        Lists the keys of the entries registered in the dependency's set, in the order they
        joined, at most --limit (default 100), and how many there are:
          dependents: 3
          entry: com.example.UserService#profile(42)
        An entry of another manager (DepCache.addDependency(dep, manager)) is named with it.
        A key listed may have expired since it joined. Exit 0; 2 on bad usage or when Redis
        could not be reached.""";
  }

  @Override
  public Set<String> valueOptions() {
    return Set.of("--limit");
  }

  @Override
  void validate(Arguments args) throws Arguments.UsageException {
    if (args.words().size() != 1 || args.words().get(0).isEmpty()) {
      throw new Arguments.UsageException(
          "expected exactly one dependency, got " + args.words().size() + " argument(s)");
    }
    limit(args);
  }

  private static int limit(Arguments args) throws Arguments.UsageException {
    String limit = args.value("--limit");
    if (limit == null) {
      return DEFAULT_LIMIT;
    }
    try {
      int n = Integer.parseInt(limit);
      if (n >= 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // said below
    }
    throw new Arguments.UsageException("--limit must be a whole number >= 0, got '" + limit + "'");
  }

  @Override
  int execute(Operations operations, Arguments args, PrintStream out, PrintStream err) {
    int limit;
    try {
      limit = limit(args);
    } catch (Arguments.UsageException e) {
      throw new IllegalStateException(e); // validated before
    }
    String dependency = args.words().get(0);
    Operations.Dependents dependents = operations.dependents(args.manager(), dependency, limit);
    if (args.json()) {
      List<Map<String, Object>> entries = new ArrayList<>();
      for (Operations.Dependent d : dependents.keys()) {
        Map<String, Object> one = new LinkedHashMap<>();
        one.put("manager", d.manager());
        one.put("key", d.key());
        entries.add(one);
      }
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("manager", args.manager());
      result.put("dependency", dependency);
      result.put("total", dependents.total());
      result.put("entries", entries);
      out.println(Output.json(result));
      return 0;
    }
    out.println("dependents: " + dependents.total());
    for (Operations.Dependent d : dependents.keys()) {
      out.println(
          "entry: "
              + d.key()
              + (d.manager() == null || d.manager().equals(args.manager())
                  ? ""
                  : " (manager " + d.manager() + ")"));
    }
    if (dependents.total() > dependents.keys().size()) {
      out.println("shown: " + dependents.keys().size() + " of " + dependents.total());
    }
    return 0;
  }
}
