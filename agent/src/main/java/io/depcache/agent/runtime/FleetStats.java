package io.depcache.agent.runtime;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The counters one JVM publishes for {@code stats}, and their form in Redis: one hash per JVM, a
 * field per counter ({@code m|<manager>|hits}, {@code x|<manager>|<method>|hits}), beside {@code
 * host}, {@code pid}, {@code started} and {@code published} (epoch milliseconds). A manager's name
 * holds no {@code |}, nor does a method's signature.
 */
public final class FleetStats {
  private FleetStats() {}

  /**
   * What one JVM published.
   *
   * @param managers by manager name
   * @param methods by manager name, then by method signature
   */
  public record Jvm(
      String host,
      long pid,
      long started,
      long published,
      Map<String, Counters> managers,
      Map<String, Map<String, MethodCounters>> methods) {}

  /** A manager's counters, as its MBean shows them. */
  public record Counters(
      long hits,
      long misses,
      long sets,
      long deletes,
      long invalidations,
      long clears,
      long errors,
      long entriesRemoved) {
    static final String[] NAMES = {
      "hits", "misses", "sets", "deletes", "invalidations", "clears", "errors", "removed"
    };

    long[] values() {
      return new long[] {
        hits, misses, sets, deletes, invalidations, clears, errors, entriesRemoved
      };
    }

    static Counters of(long[] v) {
      return new Counters(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]);
    }

    public double hitRatio() {
      return hits + misses == 0 ? 0 : (double) hits / (hits + misses);
    }

    /** The sum of two JVMs' counters. */
    public Counters plus(Counters other) {
      long[] a = values();
      long[] b = other.values();
      for (int i = 0; i < a.length; i++) {
        a[i] += b[i];
      }
      return of(a);
    }
  }

  /** A cached method's counters; times are totals, so that JVMs add up. */
  public record MethodCounters(
      long hits, long misses, long errors, long computed, double missMillis, double hitMicros) {
    public double hitRatio() {
      return hits + misses == 0 ? 0 : (double) hits / (hits + misses);
    }

    public double averageMissMillis() {
      return computed == 0 ? 0 : missMillis / computed;
    }

    public double averageHitMicros() {
      return hits == 0 ? 0 : hitMicros / hits;
    }

    public MethodCounters plus(MethodCounters o) {
      return new MethodCounters(
          hits + o.hits,
          misses + o.misses,
          errors + o.errors,
          computed + o.computed,
          missMillis + o.missMillis,
          hitMicros + o.hitMicros);
    }
  }

  static Map<String, String> fields(Jvm jvm) {
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("host", jvm.host());
    fields.put("pid", Long.toString(jvm.pid()));
    fields.put("started", Long.toString(jvm.started()));
    fields.put("published", Long.toString(jvm.published()));
    jvm.managers()
        .forEach(
            (manager, counters) -> {
              long[] values = counters.values();
              for (int i = 0; i < values.length; i++) {
                fields.put("m|" + manager + "|" + Counters.NAMES[i], Long.toString(values[i]));
              }
            });
    jvm.methods()
        .forEach(
            (manager, byMethod) ->
                byMethod.forEach(
                    (method, c) -> {
                      String at = "x|" + manager + "|" + method + "|";
                      fields.put(at + "hits", Long.toString(c.hits()));
                      fields.put(at + "misses", Long.toString(c.misses()));
                      fields.put(at + "errors", Long.toString(c.errors()));
                      fields.put(at + "computed", Long.toString(c.computed()));
                      fields.put(at + "missMillis", Double.toString(c.missMillis()));
                      fields.put(at + "hitMicros", Double.toString(c.hitMicros()));
                    }));
    return fields;
  }

  /**
   * Reads what a JVM published; a field that does not parse counts as 0 (another version's).
   *
   * @param fields the hash's fields
   */
  static Jvm parse(Map<String, String> fields) {
    Map<String, long[]> managers = new TreeMap<>();
    Map<String, Map<String, double[]>> methods = new TreeMap<>();
    fields.forEach(
        (name, value) -> {
          String[] parts = name.split("\\|", -1);
          if (parts.length == 3 && parts[0].equals("m")) {
            int i = indexOf(Counters.NAMES, parts[2]);
            if (i >= 0) {
              managers.computeIfAbsent(parts[1], m -> new long[Counters.NAMES.length])[i] =
                  (long) number(value);
            }
          } else if (parts.length == 4 && parts[0].equals("x")) {
            int i =
                indexOf(
                    new String[] {
                      "hits", "misses", "errors", "computed", "missMillis", "hitMicros"
                    },
                    parts[3]);
            if (i >= 0) {
              methods.computeIfAbsent(parts[1], m -> new TreeMap<>())
                      .computeIfAbsent(parts[2], m -> new double[6])[i] =
                  number(value);
            }
          }
        });
    Map<String, Counters> managerCounters = new TreeMap<>();
    managers.forEach((m, v) -> managerCounters.put(m, Counters.of(v)));
    Map<String, Map<String, MethodCounters>> methodCounters = new TreeMap<>();
    methods.forEach(
        (m, byMethod) -> {
          Map<String, MethodCounters> counters = new TreeMap<>();
          byMethod.forEach(
              (method, v) ->
                  counters.put(
                      method,
                      new MethodCounters(
                          (long) v[0], (long) v[1], (long) v[2], (long) v[3], v[4], v[5])));
          methodCounters.put(m, counters);
        });
    return new Jvm(
        fields.getOrDefault("host", "?"),
        (long) number(fields.get("pid")),
        (long) number(fields.get("started")),
        (long) number(fields.get("published")),
        managerCounters,
        methodCounters);
  }

  private static int indexOf(String[] names, String name) {
    for (int i = 0; i < names.length; i++) {
      if (names[i].equals(name)) {
        return i;
      }
    }
    return -1;
  }

  private static double number(String value) {
    try {
      return value == null ? 0 : Double.parseDouble(value);
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
