package io.depcache.agent.runtime;

import io.depcache.CacheEventType;
import io.depcache.DepCacheException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One method that invalidates dependencies after it returns normally: its parsed templates, and the
 * invalidation itself. Whatever goes wrong here is an ERROR event and a log line; the method's own
 * outcome is never changed.
 */
final class Invalidation {
  final int id;
  final InvalidationSpec spec;
  final List<Template> templates;

  /** Why the method invalidates nothing, found at instrumentation time; {@code null} when fine. */
  final String problem;

  private final OnceLog once = new OnceLog();

  Invalidation(int id, InvalidationSpec spec) {
    this.id = id;
    this.spec = spec;
    List<Template> parsed = new ArrayList<>();
    String found = TemplateCheck.parse(spec, parsed);
    this.templates = List.copyOf(parsed);
    this.problem = found;
  }

  /** Invalidates the dependencies the templates give for this call. */
  void run(Managers managers, Object[] args, Object returned) {
    ManagerCore manager;
    try {
      manager = managers.core(spec.manager());
    } catch (IllegalArgumentException e) {
      once.error("manager", "{} on {}: {}", spec.origin(), spec.signature(), e.getMessage());
      return;
    }
    Set<String> dependencies = new LinkedHashSet<>();
    try {
      for (Template template : templates) {
        template.expand(
            args,
            returned,
            d -> {
              if (!d.isEmpty()) {
                dependencies.add(d);
              }
            });
      }
    } catch (UnstableKeyException | UnresolvableException e) {
      manager.events.fire(CacheEventType.ERROR, null, spec.displayName(), null, -1, 0);
      once.error(
          "template:" + e.getMessage(),
          "{} on {}: {}; nothing invalidated by this call",
          spec.origin(),
          spec.signature(),
          e.getMessage());
      return;
    }
    if (dependencies.isEmpty()) {
      return;
    }
    try {
      manager.invalidate(dependencies);
    } catch (DepCacheException e) {
      // on-error=fail: the store already reported an ERROR event; the method still succeeds.
      once.error(
          "store",
          "{} on {}: invalidating {} failed: {}",
          spec.origin(),
          spec.signature(),
          LogText.keys(dependencies),
          e.getMessage());
    } catch (RuntimeException e) {
      manager.events.fire(CacheEventType.ERROR, null, spec.displayName(), dependencies, -1, 0);
      once.error(
          "failure:" + e.getClass().getName(),
          "{} on {}: invalidating {} failed",
          spec.origin(),
          spec.signature(),
          LogText.keys(dependencies),
          e);
    }
  }
}
