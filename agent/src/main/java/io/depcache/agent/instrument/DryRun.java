package io.depcache.agent.instrument;

import io.depcache.agent.config.InvalidationRule;
import io.depcache.agent.config.TargetRule;
import io.depcache.agent.runtime.InvalidationSpec;
import io.depcache.agent.runtime.MethodSpec;
import io.depcache.agent.runtime.TemplateCheck;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.pool.TypePool;

/**
 * What the agent would do to a set of classes, decided by the same {@link Selector} as at run time
 * but on class files read through a {@link TypePool}: nothing is loaded or initialised.
 */
public final class DryRun {
  /** One method a rule or annotation reaches: what it does, and what is wrong with it. */
  public record Match(String method, String action, String problem) {}

  /** One rule, or the annotations: the methods it reaches and those it names but cannot use. */
  public record Section(
      String title, boolean rule, List<Match> matches, List<String> unfit, List<String> notes) {}

  /** Every section, and the classes that could not be read. */
  public record Report(List<Section> sections, int classesScanned, List<String> unreadable) {}

  private DryRun() {}

  /**
   * Runs the selection over {@code classNames}.
   *
   * @param pool reads the classes and their supertypes
   * @param classNames binary names of the application's classes
   * @param targets the configuration's target rules
   * @param invalidations the configuration's invalidation rules
   * @return one section per rule, in the configuration's order, then one for annotations
   */
  public static Report run(
      TypePool pool,
      List<String> classNames,
      List<TargetRule> targets,
      List<InvalidationRule> invalidations) {
    Selector selector = new Selector(targets, invalidations);
    Map<String, Section> sections = new LinkedHashMap<>();
    for (Selector.Rule<TargetRule> r : selector.targets()) {
      sections.put(Selector.origin(r), section("target " + title(r), true));
    }
    for (Selector.Rule<InvalidationRule> r : selector.invalidations()) {
      sections.put(Selector.origin(r), section("invalidate " + title(r), true));
    }
    Section annotations = section("@DepCached / @Invalidates (own or inherited)", false);
    List<String> unreadable = new ArrayList<>();
    int scanned = 0;
    for (String name : classNames) {
      if (Hierarchy.isJdk(name) || name.startsWith("io.depcache.")) {
        continue;
      }
      try {
        TypeDescription type = pool.describe(name).resolve();
        scanned++;
        Selector.Decisions decisions = selector.decide(type, null);
        decisions
            .cached()
            .values()
            .forEach(c -> sections.getOrDefault(c.origin(), annotations).matches().add(cached(c)));
        for (InvalidationSpec spec : decisions.invalidating().values()) {
          sections
              .getOrDefault(spec.origin(), annotations)
              .matches()
              .add(
                  new Match(
                      spec.signature(),
                      "invalidates "
                          + resolved(
                              spec.dependencies(), spec.parameterNames(), spec.parameterTypeNames())
                          + manager(spec.manager()),
                      TemplateCheck.problem(spec)));
        }
        selector
            .unfit(type, null)
            .forEach((origin, list) -> sections.get(origin).unfit().addAll(list));
        notes(type, annotations);
      } catch (RuntimeException | LinkageError e) {
        unreadable.add(name + ": " + e);
      }
    }
    List<Section> all = new ArrayList<>(sections.values());
    all.add(annotations);
    for (Section section : all) {
      section.matches().sort((a, b) -> a.method().compareTo(b.method()));
    }
    return new Report(all, scanned, unreadable);
  }

  private static Section section(String title, boolean rule) {
    return new Section(title, rule, new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
  }

  private static String title(Selector.Rule<?> rule) {
    return rule.id().substring(rule.id().lastIndexOf('.') + 1)
        + " ("
        + rule.source()
        + "): "
        + rule.pattern().text();
  }

  private static Match cached(Selector.Cached cached) {
    MethodSpec spec = cached.spec();
    String action =
        "cached key="
            + (spec.key().isEmpty() ? "<class, method and arguments>" : spec.key())
            + " dependencies="
            + resolved(spec.dependencies(), spec.parameterNames(), spec.parameterTypeNames())
            + " ttl="
            + (spec.ttl() < 0 ? "<default>" : spec.ttl() + "s")
            + manager(spec.manager())
            + (spec.cacheExceptions().isEmpty()
                ? ""
                : " cache-exceptions=" + spec.cacheExceptions())
            + (spec.cacheNulls() ? "" : " cache-nulls=false");
    return new Match(spec.signature(), action, TemplateCheck.problem(spec, cached.origin()));
  }

  private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z0-9_$]+)([^{}]*)}");

  /**
   * The templates with each placeholder naming the parameter it reads: {@code user:{0}} becomes
   * {@code user:{0=long id}}. Placeholders that do not resolve stay as written; the template check
   * reports them.
   */
  static List<String> resolved(List<String> templates, List<String> names, List<String> types) {
    List<String> out = new ArrayList<>();
    for (String template : templates) {
      Matcher m = PLACEHOLDER.matcher(template);
      StringBuilder b = new StringBuilder();
      while (m.find()) {
        String head = m.group(1);
        int index = -1;
        if (head.chars().allMatch(Character::isDigit)) {
          index = Integer.parseInt(head);
        } else if (names != null) {
          index = names.indexOf(head);
        }
        String shown = m.group();
        if (index >= 0 && index < types.size()) {
          String name = names == null ? "arg" + index : names.get(index);
          shown = "{" + index + "=" + types.get(index) + " " + name + m.group(2) + "}";
        }
        m.appendReplacement(b, Matcher.quoteReplacement(shown));
      }
      m.appendTail(b);
      out.add(b.toString());
    }
    return out;
  }

  private static String manager(String manager) {
    return manager.isEmpty() ? "" : " manager=" + manager;
  }

  /** Annotated methods that cannot carry advice where they are declared. */
  private static void notes(TypeDescription type, Section annotations) {
    for (MethodDescription method : type.getDeclaredMethods()) {
      boolean annotated =
          SpecReader.annotation(method, SpecReader.DEP_CACHED) != null
              || SpecReader.annotation(method, SpecReader.INVALIDATES) != null;
      if (!annotated) {
        continue;
      }
      String what =
          type.getName()
              + "#"
              + method.getName()
              + "("
              + String.join(", ", SpecReader.parameterTypes(method))
              + ")";
      if (method.isAbstract()) {
        annotations.notes().add(what + ": abstract, applies to the implementations");
      } else if (method.isNative()) {
        annotations.unfit().add(what + ": native: no body to rewrite");
      } else if (!method.isMethod()) {
        annotations.unfit().add(what + ": a constructor cannot be cached");
      }
    }
  }
}
