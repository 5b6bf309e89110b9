package io.depcache.agent.runtime;

import io.depcache.agent.monitor.MethodStats;
import java.lang.ref.WeakReference;
import java.lang.reflect.MalformedParameterizedTypeException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One instrumented method as the call path sees it: its parsed templates and settings, and the
 * classes it needs at run time, resolved at the first call.
 */
final class MethodInfo {
  final int id;
  final MethodSpec spec;
  final String keyBase;

  /** {@code Class#method}, built once: events name the method on every call. */
  final String displayName;

  final Template keyTemplate;
  final List<Template> dependencyTemplates;

  /** Why the method runs uncached, found at instrumentation time; {@code null} when it is fine. */
  final String problem;

  /** How the method's result arrives: at once, or through a future, a Mono or a Flux. */
  final Async async;

  final OnceLog once = new OnceLog();

  /** Its counters, which its MBean shows. */
  final MethodStats stats = new MethodStats();

  /**
   * The method's manager once its first call found it ({@link CachedCalls}); a plain field, as the
   * manager's are final or volatile.
   */
  ManagerCore manager;

  /** As a method pattern writes it: {@code com.example.UserService#profile(java.lang.String)}. */
  final String patternSignature;

  private volatile Resolved resolved;

  /**
   * The run-time classes of the method; held weakly so that an undeployed application unloads.
   *
   * @param returnShape what a cached value must be to be returned: the generic return type, boxed
   *     (of an asynchronous result, the type of its value)
   * @param returnType the erased return type
   */
  private record Resolved(
      WeakReference<ClassLoader> loader,
      ValueShape returnShape,
      List<Class<? extends Throwable>> cacheExceptions,
      WeakReference<Class<?>> returnType) {}

  MethodInfo(int id, MethodSpec spec) {
    this(id, spec, "@DepCached");
  }

  /**
   * Parses the method's templates and finds what keeps it uncached, if anything.
   *
   * @param origin what asked for caching, named in problem messages: {@code @DepCached}, or the
   *     configuration rule and where it was set
   */
  MethodInfo(int id, MethodSpec spec, String origin) {
    this.id = id;
    this.spec = spec;
    this.displayName = spec.displayName();
    this.patternSignature =
        spec.displayName() + '(' + String.join(",", spec.parameterTypeNames()) + ')';
    this.keyBase = keyBase(spec);
    this.intArgument =
        spec.parameterTypeNames().size() == 1 && "int".equals(spec.parameterTypeNames().get(0));
    int count = spec.parameterTypeNames().size();
    Template key = null;
    List<Template> dependencies = new ArrayList<>();
    String found = null;
    try {
      if (!spec.key().isEmpty()) {
        key = Template.parse(spec.key(), spec.parameterNames(), count, false);
      }
      for (String dependency : spec.dependencies()) {
        dependencies.add(Template.parse(dependency, spec.parameterNames(), count, false));
      }
    } catch (TemplateException e) {
      found = origin + " on " + spec.signature() + ": " + e.getMessage();
    }
    if (found == null && "void".equals(spec.returnTypeName())) {
      found = origin + " on " + spec.signature() + ": a void method has no result to cache";
    }
    this.async = Async.of(spec.returnTypeName());
    this.keyTemplate = key;
    this.dependencyTemplates = List.copyOf(dependencies);
    this.problem = found;
  }

  /**
   * Class and method, the parameter types of an overload, and a hash of a generic return type: an
   * entry written when the method returned {@code List<Long>} is not found once it returns {@code
   * List<Integer>}. The keys of methods whose return type is not generic have no hash.
   */
  static String keyBase(MethodSpec spec) {
    StringBuilder base = new StringBuilder(spec.ownerName()).append('#').append(spec.methodName());
    if (spec.overloaded()) {
      base.append('[').append(String.join(",", spec.parameterTypeNames())).append(']');
    }
    if (!spec.genericReturnType().equals(spec.returnTypeName())) {
      base.append('~').append(KeyForms.shortHash(spec.genericReturnType()));
    }
    return base.toString();
  }

  /** Whether the method's one argument is an {@code int}, which its advice passes widened. */
  private final boolean intArgument;

  /** The keys of recent calls, so that a repeated call renders nothing. */
  private final KeyMemo keys = new KeyMemo();

  /**
   * The key of one call: the key template, or class, method and arguments in key form; a call
   * repeated with arguments of value types takes the key remembered from an earlier one.
   */
  String key(Object[] args) {
    String known = keys.get(args);
    if (known != null) {
      return known;
    }
    String key = render(args);
    keys.put(args, key);
    return key;
  }

  /**
   * The key remembered for a call of {@code n} arguments (up to three) given one by one, or {@code
   * null}: then {@link #key(Object[])} renders it.
   */
  String knownKey(int n, Object a0, Object a1, Object a2) {
    return keys.get(n, a0, a1, a2);
  }

  /**
   * The key of a call whose one argument is a {@code long} or an {@code int} ({@link
   * #argument(long)}), remembered unboxed.
   *
   * @throws UnstableKeyException or {@link UnresolvableException} as {@link #key(Object[])}
   */
  String key(long a0) {
    String known = keys.get(a0);
    if (known != null) {
      return known;
    }
    String key = key(new Object[] {argument(a0)});
    keys.put(a0, key);
    return key;
  }

  /** The one argument of a method of one {@code long} or {@code int}, as its type boxes it. */
  Object argument(long a0) {
    return intArgument ? (Object) Integer.valueOf((int) a0) : (Object) Long.valueOf(a0);
  }

  private String render(Object[] args) {
    if (keyTemplate != null) {
      return KeyForms.bound(keyTemplate.render(args, null));
    }
    KeyBuffer buffer = KEY_BUFFERS.get();
    if (buffer.inUse) {
      // An argument's key form called a cached method, whose key is being built on this thread.
      return KeyForms.bound(
          render(new StringBuilder(keyBase.length() + 16 * args.length + 2), args));
    }
    buffer.inUse = true;
    try {
      StringBuilder key = buffer.text;
      key.setLength(0);
      return KeyForms.bound(render(key, args));
    } finally {
      buffer.release();
    }
  }

  private String render(StringBuilder key, Object[] args) {
    key.append(keyBase).append('(');
    for (int i = 0; i < args.length; i++) {
      if (i > 0) {
        key.append(',');
      }
      KeyForms.appendQuoted(key, args[i]);
    }
    return key.append(')').toString();
  }

  /**
   * Per thread, the builder that keys are rendered in before they are copied out: a call allocates
   * only its key's string. A builder that a long key grew is dropped after it, so that a thread
   * keeps at most {@value KeyBuffer#KEPT} characters.
   */
  private static final ThreadLocal<KeyBuffer> KEY_BUFFERS = ThreadLocal.withInitial(KeyBuffer::new);

  private static final class KeyBuffer {
    static final int KEPT = 1024;

    StringBuilder text = new StringBuilder(128);
    boolean inUse;

    void release() {
      inUse = false;
      if (text.capacity() > KEPT) {
        text = new StringBuilder(128);
      }
    }
  }

  /**
   * What a cached value must be for this method to return it: the generic return type, boxed.
   *
   * @param owner the class that declares the method, in the loader of the call
   * @return the shape, resolved reflectively at the first call
   */
  ValueShape returnShape(Class<?> owner) {
    return resolve(owner).returnShape();
  }

  List<Class<? extends Throwable>> cacheExceptions(Class<?> owner) {
    return resolve(owner).cacheExceptions();
  }

  /** The erased return type, in the loader of the call: an asynchronous result is made of it. */
  Class<?> returnType(Class<?> owner) {
    Class<?> type = resolve(owner).returnType().get();
    return type != null ? type : Object.class;
  }

  ClassLoader loader(Class<?> owner) {
    ClassLoader loader = resolve(owner).loader().get();
    return loader != null ? loader : owner.getClassLoader();
  }

  private Resolved resolve(Class<?> owner) {
    Resolved r = resolved;
    if (r == null) {
      Method method = declared(owner);
      r =
          new Resolved(
              new WeakReference<>(owner.getClassLoader()),
              shapeOf(method),
              exceptions(owner),
              new WeakReference<>(method.getReturnType()));
      resolved = r;
    }
    return r;
  }

  private Method declared(Class<?> owner) {
    for (Method method : owner.getDeclaredMethods()) {
      // A bridge has the same name and parameters, and erases the return type further.
      if (!method.isBridge()
          && method.getName().equals(spec.methodName())
          && Arrays.stream(method.getParameterTypes())
              .map(Class::getTypeName)
              .toList()
              .equals(spec.parameterTypeNames())) {
        return method;
      }
    }
    throw new IllegalStateException("method " + spec.signature() + " not found in " + owner);
  }

  private ValueShape shapeOf(Method method) {
    try {
      return ValueShape.of(
          async.isAsync()
              ? async.valueType(method.getGenericReturnType())
              : method.getGenericReturnType());
    } catch (TypeNotPresentException | MalformedParameterizedTypeException | LinkageError e) {
      once.warn(
          "generic-return",
          "{}: the generic return type cannot be read ({}); cached values are checked by their"
              + " class only",
          spec.signature(),
          e.toString());
      return ValueShape.of(async.isAsync() ? Object.class : box(method.getReturnType()));
    }
  }

  @SuppressWarnings("unchecked")
  private List<Class<? extends Throwable>> exceptions(Class<?> owner) {
    List<Class<? extends Throwable>> types = new ArrayList<>();
    for (String name : spec.cacheExceptions()) {
      try {
        Class<?> type = Class.forName(name, false, owner.getClassLoader());
        if (Throwable.class.isAssignableFrom(type)) {
          types.add((Class<? extends Throwable>) type);
        }
      } catch (ClassNotFoundException | LinkageError e) {
        once.warn(
            "cacheExceptions:" + name,
            "@DepCached on {}: cacheExceptions type {} cannot be loaded; it is not cached",
            spec.signature(),
            name);
      }
    }
    return List.copyOf(types);
  }

  static Class<?> box(Class<?> type) {
    if (!type.isPrimitive()) {
      return type;
    }
    if (type == int.class) {
      return Integer.class;
    } else if (type == long.class) {
      return Long.class;
    } else if (type == boolean.class) {
      return Boolean.class;
    } else if (type == double.class) {
      return Double.class;
    } else if (type == float.class) {
      return Float.class;
    } else if (type == short.class) {
      return Short.class;
    } else if (type == byte.class) {
      return Byte.class;
    } else if (type == char.class) {
      return Character.class;
    }
    return Void.class;
  }

  boolean primitiveReturn() {
    return switch (spec.returnTypeName()) {
      case "int", "long", "boolean", "double", "float", "short", "byte", "char" -> true;
      default -> false;
    };
  }
}
