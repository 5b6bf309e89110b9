package io.depcache.agent.instrument;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import net.bytebuddy.description.annotation.AnnotationDescription;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDefinition;
import net.bytebuddy.description.type.TypeDescription;

/**
 * What a type inherits that matters for matching: annotated declarations in its supertypes, and the
 * names of its supertypes (for {@code Type+} patterns).
 *
 * <p>Start-up cost is the point of this class. Each supertype is summarised once per class loader
 * and the summary cached, so that loading the hundredth implementation of a framework interface
 * reads no class file again; the full walk over generic supertypes, which resolves type arguments,
 * runs only for a type whose ancestry declares an annotated method. JDK types are never walked:
 * they carry no depcache annotation, and a {@code Type+} pattern does not reach through them.
 */
final class Hierarchy {
  /** Types the matchers looked at, supertypes summarised, and the time spent: for measurement. */
  static final AtomicLong TYPES_EXAMINED = new AtomicLong();

  static final AtomicLong SUPERTYPES_SUMMARISED = new AtomicLong();
  static final AtomicLong MATCH_NANOS = new AtomicLong();

  private record Summary(boolean annotated, Set<String> ancestors) {}

  private final boolean keepAncestors;
  private final Map<ClassLoader, Map<String, Summary>> byLoader = new WeakHashMap<>();
  private final Map<String, Summary> bootstrap = new ConcurrentHashMap<>();

  /**
   * Creates the cache.
   *
   * @param keepAncestors whether supertype names are kept: only {@code Type+} patterns need them
   */
  Hierarchy(boolean keepAncestors) {
    this.keepAncestors = keepAncestors;
  }

  static boolean isJdk(String name) {
    return name.startsWith("java.")
        || name.startsWith("javax.")
        || name.startsWith("jdk.")
        || name.startsWith("sun.")
        || name.startsWith("com.sun.");
  }

  /** Whether some supertype of {@code type} (not {@code type} itself) declares an annotation. */
  boolean inheritsAnnotations(TypeDescription type, ClassLoader loader) {
    for (TypeDescription.Generic parent : parents(type)) {
      if (summary(parent.asErasure(), loader).annotated()) {
        return true;
      }
    }
    return false;
  }

  /** The binary names of {@code type}'s supertypes outside the JDK, {@code type} included. */
  Set<String> ancestors(TypeDescription type, ClassLoader loader) {
    Set<String> names = new LinkedHashSet<>();
    names.add(type.getName());
    for (TypeDescription.Generic parent : parents(type)) {
      names.addAll(summary(parent.asErasure(), loader).ancestors());
    }
    return names;
  }

  /**
   * Finds the {@code @DepCached} or {@code @Invalidates} that {@code method} inherits: the first
   * annotated declaration of the same name and parameter types in a supertype, nearest first,
   * superclasses before interfaces. Type arguments are resolved, so {@code find(Long)} overrides
   * {@code Repo<User, Long>.find(K)}.
   */
  AnnotationDescription inherited(
      TypeDescription type, MethodDescription method, String annotation, ClassLoader loader) {
    List<String> parameters = SpecReader.parameterTypes(method);
    Set<String> seen = new LinkedHashSet<>();
    return inherited(type, method.getName(), parameters, annotation, loader, seen);
  }

  private AnnotationDescription inherited(
      TypeDefinition type,
      String name,
      List<String> parameters,
      String annotation,
      ClassLoader loader,
      Set<String> seen) {
    for (TypeDescription.Generic parent : parents(type)) {
      if (!seen.add(parent.asErasure().getName())
          || !summary(parent.asErasure(), loader).annotated()) {
        continue;
      }
      for (MethodDescription candidate : parent.getDeclaredMethods()) {
        if (candidate.getName().equals(name)
            && !candidate.isBridge()
            && SpecReader.parameterTypes(candidate).equals(parameters)) {
          AnnotationDescription found = SpecReader.annotation(candidate, annotation);
          if (found != null) {
            return found;
          }
        }
      }
      AnnotationDescription further = inherited(parent, name, parameters, annotation, loader, seen);
      if (further != null) {
        return further;
      }
    }
    return null;
  }

  private static List<TypeDescription.Generic> parents(TypeDefinition type) {
    List<TypeDescription.Generic> parents = new java.util.ArrayList<>();
    TypeDescription.Generic superClass = type.getSuperClass();
    if (superClass != null && !isJdk(superClass.asErasure().getName())) {
      parents.add(superClass);
    }
    for (TypeDescription.Generic parent : type.getInterfaces()) {
      if (!isJdk(parent.asErasure().getName())) {
        parents.add(parent);
      }
    }
    return parents;
  }

  private Summary summary(TypeDescription type, ClassLoader loader) {
    Map<String, Summary> cache = cache(loader);
    Summary known = cache.get(type.getName());
    if (known != null) {
      return known;
    }
    SUPERTYPES_SUMMARISED.incrementAndGet();
    Summary summary;
    try {
      summary = summarise(type, loader);
    } catch (IllegalStateException e) {
      // A supertype whose class file cannot be found: it contributes nothing, as at run time a
      // class that cannot be linked would never run.
      summary = new Summary(false, keepAncestors ? Set.of(type.getName()) : Set.of());
    }
    cache.put(type.getName(), summary);
    return summary;
  }

  private Summary summarise(TypeDescription type, ClassLoader loader) {
    boolean annotated = false;
    for (MethodDescription method : type.getDeclaredMethods()) {
      if (SpecReader.annotation(method, SpecReader.DEP_CACHED) != null
          || SpecReader.annotation(method, SpecReader.INVALIDATES) != null) {
        annotated = true;
        break;
      }
    }
    Set<String> ancestors = keepAncestors ? new LinkedHashSet<>() : Set.of();
    if (keepAncestors) {
      ancestors.add(type.getName());
    }
    for (TypeDescription.Generic parent : parents(type)) {
      Summary above = summary(parent.asErasure(), loader);
      annotated |= above.annotated();
      if (keepAncestors) {
        ancestors.addAll(above.ancestors());
      }
    }
    return new Summary(annotated, keepAncestors ? Set.copyOf(ancestors) : Set.of());
  }

  private Map<String, Summary> cache(ClassLoader loader) {
    if (loader == null) {
      return bootstrap;
    }
    synchronized (byLoader) {
      return byLoader.computeIfAbsent(loader, l -> new ConcurrentHashMap<>());
    }
  }
}
