package io.depcache.agent.runtime;

import java.util.ArrayList;
import java.util.List;

/**
 * Checks a method's templates the way instrumentation does, without registering or logging
 * anything: for the dry run of {@code java -jar depcache-agent.jar check}.
 */
public final class TemplateCheck {
  private TemplateCheck() {}

  /**
   * Returns what keeps a cached method uncached.
   *
   * @param spec the method
   * @param origin what asked for caching, named in the message
   * @return the problem, or {@code null} when the method would be cached
   */
  public static String problem(MethodSpec spec, String origin) {
    return new MethodInfo(-1, spec, origin).problem;
  }

  /**
   * Returns what keeps an invalidating method from invalidating.
   *
   * @param spec the method
   * @return the problem, or {@code null} when it would invalidate
   */
  public static String problem(InvalidationSpec spec) {
    return parse(spec, new ArrayList<>());
  }

  /**
   * Parses an invalidating method's templates into {@code out}. Kept out of {@link Invalidation},
   * which links API classes that the dry run's JVM does not have.
   *
   * @return the problem, or {@code null} when every template parsed
   */
  static String parse(InvalidationSpec spec, List<Template> out) {
    try {
      for (String dependency : spec.dependencies()) {
        out.add(
            Template.parse(
                dependency, spec.parameterNames(), spec.parameterTypeNames().size(), true));
      }
      return null;
    } catch (TemplateException e) {
      return spec.origin() + " on " + spec.signature() + ": " + e.getMessage();
    }
  }
}
