package io.depcache.agent.instrument;

import io.depcache.agent.config.InvalidationRule;
import io.depcache.agent.config.MethodPattern;
import io.depcache.agent.config.TargetRule;
import io.depcache.agent.runtime.InvalidationSpec;
import io.depcache.agent.runtime.MethodSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import net.bytebuddy.description.annotation.AnnotationDescription;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides, for each method of a type, whether it is cached and whether it invalidates, and by what:
 * its own annotation, an annotation on a declaration it overrides, or a configuration rule. An
 * annotation wins over a rule; the overlap is logged once.
 */
final class Selector {
  private static final Logger LOG = LoggerFactory.getLogger("depcache");

  /** One rule with its parsed pattern. */
  record Rule<R>(R rule, String id, MethodPattern pattern, String source) {}

  /** A cached method's settings and what asked for them, for messages. */
  record Cached(MethodSpec spec, String origin) {}

  /** What to do with the methods of one type, keyed by {@link #key(MethodDescription)}. */
  record Decisions(
      TypeDescription type,
      Map<String, Cached> cached,
      Map<String, InvalidationSpec> invalidating) {
    boolean isEmpty() {
      return cached.isEmpty() && invalidating.isEmpty();
    }
  }

  private final List<Rule<TargetRule>> targets = new ArrayList<>();
  private final List<Rule<InvalidationRule>> invalidations = new ArrayList<>();
  private final Hierarchy hierarchy;
  private final Set<String> overlapsLogged = ConcurrentHashMap.newKeySet();

  Selector(List<TargetRule> targetRules, List<InvalidationRule> invalidationRules) {
    boolean subtypes = false;
    for (TargetRule rule : targetRules) {
      MethodPattern pattern = MethodPattern.parse(rule.method());
      subtypes |= pattern.subtypes();
      targets.add(new Rule<>(rule, "depcache.target." + rule.id(), pattern, rule.source()));
    }
    for (InvalidationRule rule : invalidationRules) {
      MethodPattern pattern = MethodPattern.parse(rule.method());
      subtypes |= pattern.subtypes();
      invalidations.add(
          new Rule<>(rule, "depcache.invalidate." + rule.id(), pattern, rule.source()));
    }
    this.hierarchy = new Hierarchy(subtypes);
  }

  static String key(MethodDescription method) {
    return method.getInternalName() + method.getDescriptor();
  }

  /** Whether a method can carry advice at all: a body, not a constructor, not generated. */
  static boolean instrumentable(MethodDescription method) {
    return method.isMethod()
        && !method.isAbstract()
        && !method.isNative()
        && !method.isBridge()
        && !method.isSynthetic();
  }

  Decisions decide(TypeDescription type, ClassLoader loader) {
    long start = System.nanoTime();
    Hierarchy.TYPES_EXAMINED.incrementAndGet();
    try {
      return decideTimed(type, loader);
    } finally {
      Hierarchy.MATCH_NANOS.addAndGet(System.nanoTime() - start);
    }
  }

  private Decisions decideTimed(TypeDescription type, ClassLoader loader) {
    Map<String, Cached> cached = new HashMap<>();
    Map<String, InvalidationSpec> invalidating = new HashMap<>();
    if (type.isInterface() || type.isAnnotation()) {
      return new Decisions(type, cached, invalidating);
    }
    boolean inherits = hierarchy.inheritsAnnotations(type, loader);
    List<Rule<TargetRule>> typeTargets = forType(targets, type, loader);
    List<Rule<InvalidationRule>> typeInvalidations = forType(invalidations, type, loader);
    for (MethodDescription method : type.getDeclaredMethods()) {
      if (!instrumentable(method)) {
        continue;
      }
      AnnotationDescription dep = SpecReader.annotation(method, SpecReader.DEP_CACHED);
      if (dep == null && inherits) {
        dep = hierarchy.inherited(type, method, SpecReader.DEP_CACHED, loader);
      }
      Rule<TargetRule> target = first(typeTargets, method);
      if (!method.getReturnType().represents(void.class) || dep != null) {
        if (dep != null) {
          overlap(target, method, type, "@DepCached");
          cached.put(key(method), new Cached(SpecReader.read(type, method, dep), "@DepCached"));
        } else if (target != null) {
          cached.put(
              key(method),
              new Cached(SpecReader.read(type, method, target.rule()), origin(target)));
        }
      }
      AnnotationDescription inv = SpecReader.annotation(method, SpecReader.INVALIDATES);
      if (inv == null && inherits) {
        inv = hierarchy.inherited(type, method, SpecReader.INVALIDATES, loader);
      }
      Rule<InvalidationRule> invalidation = first(typeInvalidations, method);
      if (inv != null) {
        overlap(invalidation, method, type, "@Invalidates");
        invalidating.put(key(method), SpecReader.invalidation(type, method, inv));
      } else if (invalidation != null) {
        invalidating.put(key(method), SpecReader.invalidation(type, method, invalidation.rule()));
      }
    }
    return new Decisions(type, cached, invalidating);
  }

  /**
   * For the dry run: the methods of {@code type} that a rule names but that cannot be cached or
   * carry advice, by the rule's origin, each with the reason.
   */
  Map<String, List<String>> unfit(TypeDescription type, ClassLoader loader) {
    Map<String, List<String>> unfit = new HashMap<>();
    List<Rule<?>> rules = new ArrayList<>();
    rules.addAll(forType(targets, type, loader));
    rules.addAll(forType(invalidations, type, loader));
    for (Rule<?> rule : rules) {
      boolean target = rule.rule() instanceof TargetRule;
      for (MethodDescription method : type.getDeclaredMethods()) {
        if (!method.isMethod()
            || method.isBridge()
            || method.isSynthetic()
            || !rule.pattern().matchesMethod(method.getName())
            || !rule.pattern().matchesParameters(SpecReader.parameterTypes(method))) {
          continue;
        }
        String reason =
            method.isAbstract()
                ? rule.pattern().subtypes()
                    ? null // the implementations that Type+ reaches are listed instead
                    : "abstract: no body here (Type+ would reach the implementations)"
                : method.isNative()
                    ? "native: no body to rewrite"
                    : target && method.getReturnType().represents(void.class)
                        ? "void: no result to cache"
                        : null;
        if (reason != null) {
          unfit
              .computeIfAbsent(origin(rule), k -> new ArrayList<>())
              .add(
                  type.getName()
                      + "#"
                      + method.getName()
                      + "("
                      + String.join(", ", SpecReader.parameterTypes(method))
                      + "): "
                      + reason);
        }
      }
    }
    return unfit;
  }

  /** What a rule's matches name as their origin: {@code depcache.target.<id> (<source>)}. */
  static String origin(Rule<?> rule) {
    return rule.id() + " (" + rule.source() + ")";
  }

  List<Rule<TargetRule>> targets() {
    return targets;
  }

  List<Rule<InvalidationRule>> invalidations() {
    return invalidations;
  }

  private <R> List<Rule<R>> forType(List<Rule<R>> rules, TypeDescription type, ClassLoader loader) {
    if (rules.isEmpty()) {
      return List.of();
    }
    List<Rule<R>> matching = new ArrayList<>();
    Set<String> ancestors = null;
    for (Rule<R> rule : rules) {
      if (rule.pattern().matchesType(type.getName())) {
        matching.add(rule);
      } else if (rule.pattern().subtypes()) {
        if (ancestors == null) {
          ancestors = hierarchy.ancestors(type, loader);
        }
        for (String ancestor : ancestors) {
          if (rule.pattern().matchesType(ancestor)) {
            matching.add(rule);
            break;
          }
        }
      }
    }
    return matching;
  }

  private static <R> Rule<R> first(List<Rule<R>> rules, MethodDescription method) {
    for (Rule<R> rule : rules) {
      if (rule.pattern().matchesMethod(method.getName())
          && rule.pattern().matchesParameters(SpecReader.parameterTypes(method))) {
        return rule;
      }
    }
    return null;
  }

  private void overlap(Rule<?> rule, MethodDescription method, TypeDescription type, String by) {
    if (rule == null) {
      return;
    }
    String what = type.getName() + "#" + method.getName() + method.getDescriptor();
    if (overlapsLogged.add(rule.id() + " " + what)) {
      LOG.info(
          "{}.{} is {} and also matched by {} ({}); the annotation wins",
          type.getName(),
          method.getName(),
          by,
          rule.id(),
          rule.source());
    }
  }
}
