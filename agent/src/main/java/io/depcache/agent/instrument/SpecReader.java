package io.depcache.agent.instrument;

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
import net.bytebuddy.matcher.ElementMatchers;

/**
 * Reads a {@code @DepCached} method into a {@link MethodSpec} from its class file, without loading
 * the annotation's class: any copy of the API matches, by name.
 */
final class SpecReader {
  static final String DEP_CACHED = "io.depcache.DepCached";

  private SpecReader() {}

  static MethodSpec read(TypeDescription type, MethodDescription method) {
    AnnotationDescription annotation =
        method
            .getDeclaredAnnotations()
            .filter(ElementMatchers.annotationType(ElementMatchers.named(DEP_CACHED)))
            .getOnly();
    List<String> parameterTypes = new ArrayList<>();
    List<String> parameterNames = new ArrayList<>();
    for (ParameterDescription parameter : method.getParameters()) {
      parameterTypes.add(parameter.getType().asErasure().getTypeName());
      parameterNames.add(parameter.isNamed() ? parameter.getName() : null);
    }
    boolean named = parameterNames.stream().allMatch(n -> n != null);
    Set<String> packages = new LinkedHashSet<>();
    addPackage(packages, type);
    addPackages(packages, method.getReturnType(), 0);
    return new MethodSpec(
        type.getName(),
        method.getName(),
        List.copyOf(parameterTypes),
        named ? List.copyOf(parameterNames) : null,
        method.getReturnType().asErasure().getTypeName(),
        Set.copyOf(packages),
        type.getDeclaredMethods().filter(ElementMatchers.named(method.getName())).size() > 1,
        value(annotation, "ttl", Long.class, -1L),
        List.of(value(annotation, "dependencies", String[].class, new String[0])),
        value(annotation, "key", String.class, ""),
        value(annotation, "manager", String.class, ""),
        typeNames(annotation, "cacheExceptions"),
        value(annotation, "cacheNulls", Boolean.class, true));
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
    if (!name.isEmpty()
        && !name.startsWith("java.")
        && !name.startsWith("javax.")
        && !name.startsWith("jdk.")
        && !name.startsWith("sun.")) {
      packages.add(name);
    }
  }
}
