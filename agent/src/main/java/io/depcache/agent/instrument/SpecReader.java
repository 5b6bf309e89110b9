package io.depcache.agent.instrument;

import io.depcache.agent.config.InvalidationRule;
import io.depcache.agent.config.TargetRule;
import io.depcache.agent.runtime.InvalidationSpec;
import io.depcache.agent.runtime.MethodSpec;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import net.bytebuddy.description.annotation.AnnotationDescription;
import net.bytebuddy.description.annotation.AnnotationValue;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.method.ParameterDescription;
import net.bytebuddy.description.type.TypeDefinition;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.matcher.ElementMatchers;
import net.bytebuddy.pool.TypePool;

/**
 * Reads a cached method into a {@link MethodSpec}, and an invalidating one into an {@link
 * InvalidationSpec}, from its class file and its annotation or configuration rule, without loading
 * the annotation's class: any copy of the API matches, by name.
 */
final class SpecReader {
  static final String DEP_CACHED = "io.depcache.DepCached";
  static final String INVALIDATES = "io.depcache.Invalidates";

  private SpecReader() {}

  static MethodSpec read(TypeDescription type, MethodDescription method) {
    return read(type, method, annotation(method, DEP_CACHED));
  }

  /**
   * Reads a method cached by {@code annotation}, found on the method itself or on a declaration it
   * overrides.
   */
  static MethodSpec read(
      TypeDescription type, MethodDescription method, AnnotationDescription annotation) {
    return spec(
        type,
        method,
        value(annotation, "ttl", Long.class, -1L),
        List.of(value(annotation, "dependencies", String[].class, new String[0])),
        value(annotation, "key", String.class, ""),
        value(annotation, "manager", String.class, ""),
        typeNames(annotation, "cacheExceptions"),
        value(annotation, "cacheNulls", Boolean.class, true));
  }

  /** Reads a method cached by a {@code depcache.target.<id>} rule; unset keys take defaults. */
  static MethodSpec read(TypeDescription type, MethodDescription method, TargetRule rule) {
    return spec(
        type,
        method,
        rule.ttl() == null ? -1L : rule.ttl(),
        rule.dependencies(),
        rule.key() == null ? "" : rule.key(),
        rule.manager() == null ? "" : rule.manager(),
        rule.cacheExceptions(),
        rule.cacheNulls() == null || rule.cacheNulls());
  }

  /** Reads a method that invalidates through {@code @Invalidates} (its own or an overridden). */
  static InvalidationSpec invalidation(
      TypeDescription type, MethodDescription method, AnnotationDescription annotation) {
    return new InvalidationSpec(
        type.getName(),
        method.getName(),
        parameterTypes(method),
        parameterNames(method),
        List.of(value(annotation, "value", String[].class, new String[0])),
        value(annotation, "manager", String.class, ""),
        "@Invalidates");
  }

  /** Reads a method that invalidates through a {@code depcache.invalidate.<id>} rule. */
  static InvalidationSpec invalidation(
      TypeDescription type, MethodDescription method, InvalidationRule rule) {
    return new InvalidationSpec(
        type.getName(),
        method.getName(),
        parameterTypes(method),
        parameterNames(method),
        rule.dependencies(),
        rule.manager() == null ? "" : rule.manager(),
        "depcache.invalidate." + rule.id() + " (" + rule.source() + ")");
  }

  static AnnotationDescription annotation(MethodDescription method, String name) {
    for (AnnotationDescription annotation : method.getDeclaredAnnotations()) {
      if (annotation.getAnnotationType().getName().equals(name)) {
        return annotation;
      }
    }
    return null;
  }

  private static MethodSpec spec(
      TypeDescription type,
      MethodDescription method,
      long ttl,
      List<String> dependencies,
      String key,
      String manager,
      List<String> cacheExceptions,
      boolean cacheNulls) {
    Set<String> packages = new LinkedHashSet<>();
    addPackage(packages, type);
    addPackages(packages, method.getReturnType(), 0);
    return new MethodSpec(
        type.getName(),
        method.getName(),
        parameterTypes(method),
        parameterNames(method),
        typeName(method.getReturnType().asErasure()),
        GenericName.of(method.getReturnType()),
        Set.copyOf(packages),
        type.getDeclaredMethods().filter(ElementMatchers.named(method.getName())).size() > 1,
        ttl,
        List.copyOf(dependencies),
        key,
        manager,
        List.copyOf(cacheExceptions),
        cacheNulls);
  }

  static List<String> parameterTypes(MethodDescription method) {
    List<String> types = new ArrayList<>();
    for (ParameterDescription parameter : method.getParameters()) {
      types.add(typeName(parameter.getType().asErasure()));
    }
    return List.copyOf(types);
  }

  /**
   * The name as {@link Class#getTypeName()} spells it ({@code byte[]}, not {@code [B}, which is
   * what types read from a class file answer), so that patterns and reflection agree.
   */
  static String typeName(TypeDescription type) {
    return type.isArray() ? typeName(type.getComponentType()) + "[]" : type.getName();
  }

  private static List<String> parameterNames(MethodDescription method) {
    List<String> names = new ArrayList<>();
    for (ParameterDescription parameter : method.getParameters()) {
      if (!parameter.isNamed()) {
        return method.asDefined() instanceof MethodDescription.ForLoadedMethod loaded
            ? namesFromClassFile(loaded.getLoadedMethod())
            : null;
      }
      names.add(parameter.getName());
    }
    return List.copyOf(names);
  }

  /**
   * A loaded class is described by reflection (cheap at start-up), and reflection loses parameter
   * names once a class was retransformed: read them from the class file instead.
   */
  private static List<String> namesFromClassFile(java.lang.reflect.Method method) {
    try {
      Class<?> owner = method.getDeclaringClass();
      byte[] bytes = ClassFileLocator.ForClassLoader.read(owner);
      TypeDescription fromFile =
          new TypePool.Default(
                  new TypePool.CacheProvider.Simple(),
                  ClassFileLocator.Simple.of(owner.getName(), bytes),
                  TypePool.Default.ReaderMode.EXTENDED)
              .describe(owner.getName())
              .resolve();
      String descriptor = new MethodDescription.ForLoadedMethod(method).getDescriptor();
      for (MethodDescription candidate : fromFile.getDeclaredMethods()) {
        if (candidate.getInternalName().equals(method.getName())
            && candidate.getDescriptor().equals(descriptor)) {
          List<String> names = new ArrayList<>();
          for (ParameterDescription parameter : candidate.getParameters()) {
            if (!parameter.isNamed()) {
              return null;
            }
            names.add(parameter.getName());
          }
          return List.copyOf(names);
        }
      }
    } catch (RuntimeException | LinkageError e) {
      // no class file to read: the names stay unknown, and templates must use indexes
    }
    return null;
  }

  /**
   * Reads an annotation value; a value left at its default is read from the annotation type when it
   * can be found, else {@code fallback} (the default API.md documents).
   */
  private static <T> T value(
      AnnotationDescription annotation, String name, Class<T> type, T fallback) {
    try {
      AnnotationValue<?, ?> value = annotation.getValue(name);
      return value == null ? fallback : value.resolve(type);
    } catch (RuntimeException e) {
      return fallback;
    }
  }

  private static List<String> typeNames(AnnotationDescription annotation, String name) {
    TypeDescription[] types =
        value(annotation, name, TypeDescription[].class, new TypeDescription[0]);
    List<String> names = new ArrayList<>(types.length);
    for (TypeDescription type : types) {
      names.add(type.getName());
    }
    return List.copyOf(names);
  }

  private static void addPackages(Set<String> packages, TypeDescription.Generic type, int depth) {
    if (type == null || depth > 8) {
      return;
    }
    switch (type.getSort()) {
      case NON_GENERIC -> addPackage(packages, type.asErasure());
      case PARAMETERIZED -> {
        addPackage(packages, type.asErasure());
        for (TypeDescription.Generic argument : type.getTypeArguments()) {
          addPackages(packages, argument, depth + 1);
        }
      }
      case GENERIC_ARRAY -> addPackages(packages, type.getComponentType(), depth + 1);
      case WILDCARD -> {
        for (TypeDescription.Generic bound : type.getUpperBounds()) {
          addPackages(packages, bound, depth + 1);
        }
      }
      case VARIABLE, VARIABLE_SYMBOLIC -> {
        for (TypeDescription.Generic bound : type.getUpperBounds()) {
          addPackages(packages, bound, depth + 1);
        }
      }
      default -> {}
    }
  }

  private static void addPackage(Set<String> packages, TypeDefinition type) {
    TypeDescription erasure = type.asErasure();
    while (erasure.isArray()) {
      erasure = erasure.getComponentType();
    }
    if (erasure.isPrimitive() || erasure.getPackage() == null) {
      return;
    }
    String name = erasure.getPackage().getName();
    // JDK value types are allowed by the serializer's own list; never open whole JDK packages.
    // "" is the unnamed package, where small applications keep their records.
    if (!name.startsWith("java.")
        && !name.startsWith("javax.")
        && !name.startsWith("jdk.")
        && !name.startsWith("sun.")) {
      packages.add(name);
    }
  }
}
