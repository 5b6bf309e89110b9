package io.depcache.agent.runtime;

import java.lang.reflect.Array;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;

/**
 * Reflection over generic types: the erasure of a type, and a type argument of a generic supertype
 * as a subtype binds it (the element type of an {@code ArrayList<Long>} or of a {@code class Ids
 * extends ArrayList<Long>} as {@code Collection}'s {@code E}, the value type of a {@code
 * TreeMap<String, Foo>} as {@code Map}'s {@code V}).
 */
final class Generics {
  private Generics() {}

  /**
   * The type that {@code type} gives to a type parameter of its supertype {@code target}.
   *
   * @param type a class or parameterized type that is a {@code target}
   * @param target a generic class or interface
   * @param index which of {@code target}'s type parameters
   * @return the type argument; a type variable where {@code type} leaves it open (a raw type, or a
   *     parameter that the subtype does not bind), which counts as its bound
   */
  static Type argument(Type type, Class<?> target, int index) {
    Type found = argument(type, target, index, 0);
    return found != null ? found : target.getTypeParameters()[index];
  }

  private static Type argument(Type type, Class<?> target, int index, int depth) {
    Class<?> raw = erasure(type);
    if (raw == target) {
      return type instanceof ParameterizedType parameterized
          ? parameterized.getActualTypeArguments()[index]
          : target.getTypeParameters()[index];
    }
    if (depth > ValueShape.MAX_DEPTH) {
      return null;
    }
    Type superclass = raw.getGenericSuperclass();
    if (superclass != null && target.isAssignableFrom(erasure(superclass))) {
      return bind(type, raw, argument(superclass, target, index, depth + 1));
    }
    for (Type face : raw.getGenericInterfaces()) {
      if (target.isAssignableFrom(erasure(face))) {
        return bind(type, raw, argument(face, target, index, depth + 1));
      }
    }
    return null;
  }

  /**
   * Replaces a type variable of {@code raw} by the argument that {@code type} gives it; a variable
   * nested inside {@code found} ({@code List<T>}) stays, and counts as its bound.
   */
  private static Type bind(Type type, Class<?> raw, Type found) {
    if (found instanceof TypeVariable<?> variable
        && type instanceof ParameterizedType parameterized
        && variable.getGenericDeclaration() == raw) {
      TypeVariable<?>[] parameters = raw.getTypeParameters();
      for (int i = 0; i < parameters.length; i++) {
        if (parameters[i].getName().equals(variable.getName())) {
          return parameterized.getActualTypeArguments()[i];
        }
      }
    }
    return found;
  }

  /** The class a type erases to: a variable's or wildcard's first upper bound. */
  static Class<?> erasure(Type type) {
    if (type instanceof Class<?> c) {
      return c;
    }
    if (type instanceof ParameterizedType parameterized) {
      return erasure(parameterized.getRawType());
    }
    if (type instanceof GenericArrayType array) {
      return Array.newInstance(erasure(array.getGenericComponentType()), 0).getClass();
    }
    if (type instanceof TypeVariable<?> variable && variable.getBounds().length > 0) {
      return erasure(variable.getBounds()[0]);
    }
    if (type instanceof WildcardType wildcard && wildcard.getUpperBounds().length > 0) {
      return erasure(wildcard.getUpperBounds()[0]);
    }
    return Object.class;
  }
}
