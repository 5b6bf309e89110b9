package io.depcache.agent.runtime;

import java.lang.reflect.AccessibleObject;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads a property of an object for templates such as {@code {0.owner.id}}: a getter {@code
 * getId()}/{@code isId()}, a record accessor or other no-argument method {@code id()}, or a public
 * field {@code id}, looked up once per class and property.
 */
final class PropertyAccess {
  private static final ClassValue<Map<String, Member>> MEMBERS =
      new ClassValue<>() {
        @Override
        protected Map<String, Member> computeValue(Class<?> type) {
          return new ConcurrentHashMap<>();
        }
      };

  private PropertyAccess() {}

  /**
   * Reads {@code name} of {@code target}.
   *
   * @throws UnresolvableException when {@code target} has no such property
   */
  static Object read(Object target, String name) {
    Class<?> type = target.getClass();
    Member member = MEMBERS.get(type).computeIfAbsent(name, n -> find(type, n));
    if (member instanceof Method method) {
      return invoke(method, target);
    }
    if (member instanceof Field field) {
      try {
        return field.get(target);
      } catch (IllegalAccessException e) {
        throw new UnresolvableException("cannot read field " + name + " of " + type.getName(), e);
      }
    }
    throw new UnresolvableException(
        type.getName()
            + " has no property '"
            + name
            + "' (looked for get"
            + capitalize(name)
            + "(), is"
            + capitalize(name)
            + "(), "
            + name
            + "() and a public field)",
        null);
  }

  static Object invoke(Method method, Object target) {
    try {
      return method.invoke(target);
    } catch (IllegalAccessException e) {
      throw new UnresolvableException(
          "cannot call " + method.getName() + "() of " + target.getClass().getName(), e);
    } catch (InvocationTargetException e) {
      throw new UnresolvableException(
          method.getName() + "() of " + target.getClass().getName() + " threw " + e.getCause(),
          e.getCause());
    }
  }

  /** A sentinel for "no such property", since ConcurrentHashMap holds no nulls. */
  private static final Member NONE = Object.class.getDeclaredConstructors()[0];

  private static Member find(Class<?> type, String name) {
    String cap = capitalize(name);
    for (String candidate : new String[] {"get" + cap, "is" + cap, name}) {
      Method method = noArgMethod(type, candidate);
      if (method != null) {
        return accessible(method);
      }
    }
    try {
      Field field = type.getField(name);
      if (!Modifier.isStatic(field.getModifiers())) {
        return accessible(field);
      }
    } catch (NoSuchFieldException e) {
      // fall through: no such property
    }
    return NONE;
  }

  private static Method noArgMethod(Class<?> type, String name) {
    for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
      try {
        Method method = c.getDeclaredMethod(name);
        if (!Modifier.isStatic(method.getModifiers()) && method.getReturnType() != void.class) {
          return method;
        }
      } catch (NoSuchMethodException e) {
        // look in the superclass
      }
    }
    try {
      Method method = type.getMethod(name);
      return method.getReturnType() == void.class ? null : method;
    } catch (NoSuchMethodException e) {
      return null;
    }
  }

  private static <T extends AccessibleObject> T accessible(T member) {
    try {
      member.setAccessible(true);
    } catch (RuntimeException e) {
      // A public member of an exported package needs no help; others fail clearly when read.
    }
    return member;
  }

  private static String capitalize(String name) {
    return name.isEmpty() ? name : Character.toUpperCase(name.charAt(0)) + name.substring(1);
  }
}
