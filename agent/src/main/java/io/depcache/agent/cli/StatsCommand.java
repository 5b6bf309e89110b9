package io.depcache.agent.cli;

import io.depcache.agent.runtime.FleetStats;
import io.depcache.agent.runtime.Operations;
import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** {@code stats}: the counters every running agent of the prefix publishes, and their total. */
final class StatsCommand extends StoreCommand {
  @Override
  public String name() {
    return "stats";
  }

  @Override
  public String summary() {
    return "show the counters of every running JVM and of the fleet";
  }

  @Override
  public String usage() {
    return "stats [--manager NAME] [--config FILE] [--json]";
  }

  @Override
  public String details() {
    return """
        Each running agent publishes its counters to Redis every 10 s, per manager and per
        cached method, with its host, pid and start time; a JVM that stops ages out within
        35 s. Prints each live JVM, then the fleet's total. --manager shows that manager only
        (and reads the prefix it is configured with). Exit 0; 2 on bad usage or when Redis
        could not be reached.""";
  }

  @Override
  void validate(Arguments args) throws Arguments.UsageException {
    if (!args.words().isEmpty()) {
      throw new Arguments.UsageException("takes no argument, got '" + args.words().get(0) + "'");
    }
  }

  @Override
  int execute(Operations operations, Arguments args, PrintStream out, PrintStream err) {
    String only = args.value("--manager");
    List<FleetStats.Jvm> jvms = operations.fleet(args.manager());
    Map<String, FleetStats.Counters> fleet = new TreeMap<>();
    Map<String, Map<String, FleetStats.MethodCounters>> fleetMethods = new TreeMap<>();
    for (FleetStats.Jvm jvm : jvms) {
      jvm.managers()
          .forEach(
              (m, c) -> {
                if (only == null || only.equals(m)) {
                  fleet.merge(m, c, FleetStats.Counters::plus);
                }
              });
      jvm.methods()
          .forEach(
              (m, byMethod) -> {
                if (only == null || only.equals(m)) {
                  byMethod.forEach(
                      (method, c) ->
                          fleetMethods
                              .computeIfAbsent(m, x -> new TreeMap<>())
                              .merge(method, c, FleetStats.MethodCounters::plus));
                }
              });
    }
    if (args.json()) {
      List<Object> each = new ArrayList<>();
      for (FleetStats.Jvm jvm : jvms) {
        Map<String, Object> one = new LinkedHashMap<>();
        one.put("host", jvm.host());
        one.put("pid", jvm.pid());
        one.put("started", Instant.ofEpochMilli(jvm.started()).toString());
        one.put("published", Instant.ofEpochMilli(jvm.published()).toString());
        one.put("managers", managersJson(jvm.managers(), only));
        one.put("methods", methodsJson(jvm.methods(), only));
        each.add(one);
      }
      Map<String, Object> total = new LinkedHashMap<>();
      total.put("jvms", jvms.size());
      total.put("managers", managersJson(fleet, null));
      total.put("methods", methodsJson(fleetMethods, null));
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("jvms", each);
      result.put("fleet", total);
      out.println(Output.json(result));
      return 0;
    }
    long now = System.currentTimeMillis();
    for (FleetStats.Jvm jvm : jvms) {
      out.println(
          "jvm: "
              + jvm.host()
              + " pid "
              + jvm.pid()
              + ", started "
              + Instant.ofEpochMilli(jvm.started())
              + ", published "
              + Math.max(0, (now - jvm.published()) / 1000)
              + " s ago");
      printManagers(out, jvm.managers(), jvm.methods(), only);
    }
    out.println("fleet: " + jvms.size() + " JVM(s)");
    printManagers(out, fleet, fleetMethods, null);
    return 0;
  }

  private static void printManagers(
      PrintStream out,
      Map<String, FleetStats.Counters> managers,
      Map<String, Map<String, FleetStats.MethodCounters>> methods,
      String only) {
    managers.forEach(
        (m, c) -> {
          if (only != null && !only.equals(m)) {
            return;
          }
          out.println(
              "  manager "
                  + m
                  + ": hits "
                  + c.hits()
                  + ", misses "
                  + c.misses()
                  + ", sets "
                  + c.sets()
                  + ", deletes "
                  + c.deletes()
                  + ", invalidations "
                  + c.invalidations()
                  + ", clears "
                  + c.clears()
                  + ", errors "
                  + c.errors()
                  + ", entries removed "
                  + c.entriesRemoved()
                  + ", hit ratio "
                  + String.format(Locale.ROOT, "%.3f", c.hitRatio()));
          methods
              .getOrDefault(m, Map.of())
              .forEach(
                  (method, x) ->
                      out.println(
                          "    method "
                              + method
                              + ": hits "
                              + x.hits()
                              + ", misses "
                              + x.misses()
                              + ", errors "
                              + x.errors()
                              + ", hit ratio "
                              + String.format(Locale.ROOT, "%.3f", x.hitRatio())
                              + ", average miss "
                              + String.format(Locale.ROOT, "%.1f", x.averageMissMillis())
                              + " ms, average hit "
                              + String.format(Locale.ROOT, "%.0f", x.averageHitMicros())
                              + " us"));
        });
  }

  private static Map<String, Object> managersJson(
      Map<String, FleetStats.Counters> managers, String only) {
    Map<String, Object> result = new LinkedHashMap<>();
    managers.forEach(
        (m, c) -> {
          if (only != null && !only.equals(m)) {
            return;
          }
          Map<String, Object> one = new LinkedHashMap<>();
          one.put("hits", c.hits());
          one.put("misses", c.misses());
          one.put("sets", c.sets());
          one.put("deletes", c.deletes());
          one.put("invalidations", c.invalidations());
          one.put("clears", c.clears());
          one.put("errors", c.errors());
          one.put("entriesRemoved", c.entriesRemoved());
          one.put("hitRatio", c.hitRatio());
          result.put(m, one);
        });
    return result;
  }

  private static Map<String, Object> methodsJson(
      Map<String, Map<String, FleetStats.MethodCounters>> methods, String only) {
    Map<String, Object> result = new LinkedHashMap<>();
    methods.forEach(
        (m, byMethod) -> {
          if (only != null && !only.equals(m)) {
            return;
          }
          Map<String, Object> ofManager = new LinkedHashMap<>();
          byMethod.forEach(
              (method, x) -> {
                Map<String, Object> one = new LinkedHashMap<>();
                one.put("hits", x.hits());
                one.put("misses", x.misses());
                one.put("errors", x.errors());
                one.put("hitRatio", x.hitRatio());
                one.put("averageMissMillis", x.averageMissMillis());
                one.put("averageHitMicros", x.averageHitMicros());
                ofManager.put(method, one);
              });
          result.put(m, ofManager);
        });
    return result;
  }
}
