package io.depcache.agent.runtime;

import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.RandomAccess;

/**
 * What a method's generic return type says about a value, compiled once from reflection so that a
 * hit can check the contents of a cached value without reflection: collections element by element,
 * maps key by key and value by value, the content of an {@code Optional} and the components of a
 * generic array, recursively. Erasure alone lets a {@code List<Integer>} pass for a {@code
 * List<Long>}, and the caller fails later, far from the cache, on the first element it reads.
 *
 * <p>Wildcards and type variables count as their (first) upper bound, {@code Object} when
 * unbounded; other generic types (a {@code Page<T>} of the application) are checked by erasure
 * only. The work is bounded: one check of a value costs one unit per element, key, value or content
 * examined, and after {@link #BUDGET} units the rest of the value is trusted.
 */
sealed interface ValueShape {
  /** Units of work one check may spend before it trusts the rest of the value. */
  int BUDGET = 10_000;

  /** What {@link #fit} returns for a value that does not fit. */
  int MISFIT = -1;

  /** Nesting deeper than this is checked by erasure only (and ends recursive bounds). */
  int MAX_DEPTH = 8;

  /** Any value fits: {@code Object}, an unbounded wildcard or type variable. */
  ValueShape ANY = new InstanceOf(Object.class);

  /**
   * Checks a value.
   *
   * @param value the value, {@code null} fits
   * @param budget the units left
   * @return the units left ({@code 0}: stop checking, the rest is trusted), or {@link #MISFIT}
   */
  int fit(Object value, int budget);

  /**
   * The class of the first part of a value that does not fit, for messages; off the hit path.
   *
   * @param value a value for which {@link #fit} answered {@link #MISFIT}
   * @return the class of the value itself, or of the element, key, value or content that does not
   *     fit
   */
  Class<?> misfit(Object value);

  /** Whether the shape looks inside a value, beyond its class. */
  default boolean deep() {
    return true;
  }

  /**
   * Compiles the shape of a type.
   *
   * @param type a method's generic return type
   * @return its shape
   */
  static ValueShape of(Type type) {
    return of(type, 0);
  }

  private static ValueShape of(Type type, int depth) {
    if (depth > MAX_DEPTH) {
      return shallow(Generics.erasure(type));
    }
    if (type instanceof WildcardType wildcard) {
      Type[] upper = wildcard.getUpperBounds();
      return upper.length == 0 ? ANY : of(upper[0], depth + 1);
    }
    if (type instanceof TypeVariable<?> variable) {
      Type[] bounds = variable.getBounds();
      return bounds.length == 0 ? ANY : of(bounds[0], depth + 1);
    }
    if (type instanceof GenericArrayType array) {
      ValueShape component = of(array.getGenericComponentType(), depth + 1);
      Class<?> arrayType = Generics.erasure(type);
      // The JVM checks what an array stores against its component class: only deeper shapes add.
      return component.deep() ? new Components(arrayType, component) : shallow(arrayType);
    }
    Class<?> raw = Generics.erasure(type);
    if (raw == Optional.class) {
      ValueShape content = of(Generics.argument(type, Optional.class, 0), depth + 1);
      return content == ANY ? shallow(raw) : new Content(content);
    }
    if (Map.class.isAssignableFrom(raw)) {
      ValueShape key = of(Generics.argument(type, Map.class, 0), depth + 1);
      ValueShape value = of(Generics.argument(type, Map.class, 1), depth + 1);
      return key == ANY && value == ANY ? shallow(raw) : new Entries(raw, key, value);
    }
    if (Collection.class.isAssignableFrom(raw)) {
      ValueShape element = of(Generics.argument(type, Collection.class, 0), depth + 1);
      return element == ANY ? shallow(raw) : new Elements(raw, element);
    }
    return shallow(raw);
  }

  private static ValueShape shallow(Class<?> type) {
    return type == Object.class ? ANY : new InstanceOf(MethodInfo.box(type));
  }

  /** Spends one unit on a part of a value; the budget left, 0 when spent, or MISFIT. */
  private static int part(ValueShape shape, Object part, int budget) {
    return part == null ? budget - 1 : shape.fit(part, budget - 1);
  }

  /** A value checked by its class alone. */
  record InstanceOf(Class<?> type) implements ValueShape {
    @Override
    public int fit(Object value, int budget) {
      return value == null || type.isInstance(value) ? budget : MISFIT;
    }

    @Override
    public Class<?> misfit(Object value) {
      return value.getClass();
    }

    @Override
    public boolean deep() {
      return false;
    }
  }

  /** A collection whose elements have a shape. */
  record Elements(Class<?> type, ValueShape element) implements ValueShape {
    @Override
    public int fit(Object value, int budget) {
      if (value == null) {
        return budget;
      }
      if (!type.isInstance(value)) {
        return MISFIT;
      }
      if (value instanceof List<?> list && value instanceof RandomAccess) {
        // By index: no iterator on the hit path.
        for (int i = 0, n = list.size(); i < n && budget > 0; i++) {
          budget = part(element, list.get(i), budget);
        }
        return budget;
      }
      for (Object item : (Collection<?>) value) {
        if (budget <= 0) {
          break;
        }
        budget = part(element, item, budget);
      }
      return budget;
    }

    @Override
    public Class<?> misfit(Object value) {
      if (type.isInstance(value)) {
        for (Object item : (Collection<?>) value) {
          if (item != null && element.fit(item, BUDGET) == MISFIT) {
            return element.misfit(item);
          }
        }
      }
      return value.getClass();
    }
  }

  /** A map whose keys and values have shapes. */
  record Entries(Class<?> type, ValueShape key, ValueShape value) implements ValueShape {
    @Override
    public int fit(Object map, int budget) {
      if (map == null) {
        return budget;
      }
      if (!type.isInstance(map)) {
        return MISFIT;
      }
      for (Map.Entry<?, ?> entry : ((Map<?, ?>) map).entrySet()) {
        if (budget <= 0) {
          break;
        }
        budget = part(key, entry.getKey(), budget);
        if (budget > 0) {
          budget = part(value, entry.getValue(), budget);
        }
      }
      return budget;
    }

    @Override
    public Class<?> misfit(Object map) {
      if (type.isInstance(map)) {
        for (Map.Entry<?, ?> entry : ((Map<?, ?>) map).entrySet()) {
          Object k = entry.getKey();
          if (k != null && key.fit(k, BUDGET) == MISFIT) {
            return key.misfit(k);
          }
          Object v = entry.getValue();
          if (v != null && value.fit(v, BUDGET) == MISFIT) {
            return value.misfit(v);
          }
        }
      }
      return map.getClass();
    }
  }

  /** An {@code Optional} whose content has a shape. */
  record Content(ValueShape content) implements ValueShape {
    @Override
    public int fit(Object value, int budget) {
      if (value == null) {
        return budget;
      }
      if (!(value instanceof Optional<?> optional)) {
        return MISFIT;
      }
      return optional.isPresent() ? part(content, optional.get(), budget) : budget;
    }

    @Override
    public Class<?> misfit(Object value) {
      if (value instanceof Optional<?> optional
          && optional.isPresent()
          && content.fit(optional.get(), BUDGET) == MISFIT) {
        return content.misfit(optional.get());
      }
      return value.getClass();
    }
  }

  /** An array whose components have a shape deeper than their class. */
  record Components(Class<?> type, ValueShape component) implements ValueShape {
    @Override
    public int fit(Object value, int budget) {
      if (value == null) {
        return budget;
      }
      if (!type.isInstance(value)) {
        return MISFIT;
      }
      Object[] items = (Object[]) value;
      for (int i = 0; i < items.length && budget > 0; i++) {
        budget = part(component, items[i], budget);
      }
      return budget;
    }

    @Override
    public Class<?> misfit(Object value) {
      if (type.isInstance(value)) {
        for (Object item : (Object[]) value) {
          if (item != null && component.fit(item, BUDGET) == MISFIT) {
            return component.misfit(item);
          }
        }
      }
      return value.getClass();
    }
  }
}
