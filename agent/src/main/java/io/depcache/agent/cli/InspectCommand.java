package io.depcache.agent.cli;

import io.depcache.agent.runtime.Operations;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code inspect <key>}: what an entry holds, without deserializing its value. */
final class InspectCommand extends StoreCommand {
  @Override
  public String name() {
    return "inspect";
  }

  @Override
  public String summary() {
    return "show an entry's class, size, ttl and dependencies";
  }

  @Override
  public String usage() {
    return "inspect <key> [--manager NAME] [--config FILE] [--json]";
  }

  @Override
  public String details() {
    return """
        Reads one entry of the manager by its key (as DepCache.currentCacheKey() prints it)
        without deserializing its value, and prints
          class: the class its value's bytes name (?: the serializer does not say it up front)
          bytes: its size in Redis
          ttl: seconds left (-1: never expires)
          dependencies: each with the invalidation sequence its computation started at
          signed: whether it carries a MAC
        Exit 0; 1 when there is no such entry, or what is stored is no depcache entry; 2 on bad
        usage or when Redis could not be reached.""";
  }

  @Override
  void validate(Arguments args) throws Arguments.UsageException {
    if (args.words().size() != 1 || args.words().get(0).isEmpty()) {
      throw new Arguments.UsageException(
          "expected exactly one key, got " + args.words().size() + " argument(s)");
    }
  }

  @Override
  int execute(Operations operations, Arguments args, PrintStream out, PrintStream err) {
    String key = args.words().get(0);
    Operations.Inspection entry;
    try {
      entry = operations.inspect(args.manager(), key);
    } catch (Operations.NotAnEntryException e) {
      err.println("inspect: " + e.getMessage());
      return 1;
    }
    if (entry == null) {
      err.println("inspect: no entry '" + key + "' in manager " + args.manager());
      return 1;
    }
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("manager", args.manager());
    result.put("key", key);
    result.put("kind", entry.kind().toLowerCase(java.util.Locale.ROOT));
    result.put("class", entry.valueClass() == null ? "null" : entry.valueClass());
    if (entry.serializer() != null) {
      result.put("serializer", entry.serializer());
    }
    result.put("bytes", entry.bytes());
    result.put("ttl", entry.ttlSeconds());
    if (args.json()) {
      List<Map<String, Object>> dependencies = new ArrayList<>();
      for (Operations.RecordedDependency d : entry.dependencies()) {
        Map<String, Object> one = new LinkedHashMap<>();
        one.put("dependency", d.name());
        one.put("manager", d.manager());
        one.put("sequence", d.sequence() < 0 ? null : d.sequence());
        dependencies.add(one);
      }
      result.put("dependencies", dependencies);
    } else {
      List<String> shown = new ArrayList<>();
      for (Operations.RecordedDependency d : entry.dependencies()) {
        shown.add(
            d.name()
                + " (sequence "
                + (d.sequence() < 0 ? "unknown" : Long.toString(d.sequence()))
                + (d.manager().equals(args.manager()) ? "" : ", manager " + d.manager())
                + ")");
      }
      result.put("dependencies", shown.isEmpty() ? "none" : String.join(", ", shown));
    }
    result.put("signed", args.json() ? (Object) entry.signed() : entry.signed() ? "yes" : "no");
    Output.print(out, result, args.json());
    return 0;
  }
}
