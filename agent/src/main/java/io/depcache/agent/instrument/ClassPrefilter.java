package io.depcache.agent.instrument;

import io.depcache.agent.config.MethodPattern;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Rejects, from a class file's bytes and name alone, the classes that cannot be cached or carry an
 * invalidation: before Byte Buddy parses or describes them, which is where an agent's start-up time
 * goes.
 *
 * <p>A class is a candidate when it is the API's facade, when its constant pool names {@code
 * Lio/depcache/DepCached;} or {@code Lio/depcache/Invalidates;} (an annotated method has one of
 * them there), when a configured pattern matches its name, or when one of its supertypes is a
 * candidate by the same rules (an annotated interface or superclass, a {@code Type+} pattern).
 * Supertypes are read from their class files once per class loader and remembered. Anything this
 * class cannot read (a malformed file, a supertype without a class file) is left to Byte Buddy, so
 * a mistake here can cost time, never a missed method.
 */
final class ClassPrefilter {
  /** Classes looked at, and those passed on to Byte Buddy: for measurement. */
  static final AtomicLong SEEN = new AtomicLong();

  static final AtomicLong PASSED = new AtomicLong();

  /** Time spent deciding, and supertype class files read: for measurement. */
  static final AtomicLong NANOS = new AtomicLong();

  static final AtomicLong SUPERTYPES_READ = new AtomicLong();

  static final AtomicLong READ_NANOS = new AtomicLong();

  private static final int MAX_DEPTH = 64;

  /**
   * Packages of common libraries. Their types never carry a depcache annotation (a library does not
   * depend on an application's cache), so as supertypes they bequeath nothing and their class files
   * are not read: in a Spring Boot application that saves some 500 nested-jar reads at start-up. A
   * {@code Type+} pattern that could name a type of one of them turns the shortcut off for that
   * package.
   */
  private static final List<String> LIBRARIES =
      List.of(
          "org/springframework/",
          "org/apache/",
          "ch/qos/logback/",
          // built at run time: the shade plugin would relocate these two as literals
          String.join("/", "org", "slf4j", ""),
          "com/fasterxml/jackson/",
          "tools/jackson/",
          "org/aopalliance/",
          "io/micrometer/",
          "org/hibernate/",
          "io/netty/",
          "reactor/",
          "org/jboss/",
          "org/eclipse/",
          "com/google/",
          "kotlin/",
          "scala/",
          "org/yaml/",
          "jakarta/",
          "org/aspectj/",
          String.join("/", "net", "bytebuddy", ""),
          "org/glassfish/",
          "io/undertow/",
          "com/zaxxer/",
          "org/junit/",
          "org/mockito/",
          "io/opentelemetry/",
          "org/jetbrains/",
          "org/objectweb/asm/",
          "org/thymeleaf/",
          "org/w3c/",
          "org/xml/");

  private final List<String> libraries = new ArrayList<>();
  private final List<MethodPattern> ownName = new ArrayList<>();
  private final List<MethodPattern> anyAncestor = new ArrayList<>();
  private final Map<ClassLoader, Map<String, Boolean>> byLoader = new WeakHashMap<>();
  private final Map<String, Boolean> bootstrap = new ConcurrentHashMap<>();

  /**
   * Creates the filter for a set of configured patterns.
   *
   * @param patterns the type patterns of every target and invalidation rule
   */
  ClassPrefilter(List<MethodPattern> patterns) {
    for (MethodPattern pattern : patterns) {
      (pattern.subtypes() ? anyAncestor : ownName).add(pattern);
    }
    for (String library : LIBRARIES) {
      boolean named = false;
      for (MethodPattern pattern : anyAncestor) {
        String literal = literalPrefix(pattern.typeText());
        named |= literal.startsWith(library) || library.startsWith(literal);
      }
      if (!named) {
        libraries.add(library);
      }
    }
  }

  /** The part of a type pattern before its first wildcard, in the class file's form. */
  private static String literalPrefix(String typeText) {
    int end = typeText.length();
    for (int i = 0; i < typeText.length(); i++) {
      char c = typeText.charAt(i);
      if (c == '*' || c == '+') {
        end = i;
        break;
      }
    }
    return typeText.substring(0, end).replace('.', '/');
  }

  private boolean library(String internalName) {
    for (String library : libraries) {
      if (internalName.startsWith(library)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Tells whether Byte Buddy should look at a class.
   *
   * @param loader the class's loader, {@code null} for the bootstrap loader
   * @param internalName the name in the class file's form ({@code com/example/Shop}), or {@code
   *     null} for a hidden class
   * @param bytes the class file
   * @return {@code false} only when the class certainly has nothing to instrument
   */
  boolean mayMatch(ClassLoader loader, String internalName, byte[] bytes) {
    long start = System.nanoTime();
    try {
      return decide(loader, internalName, bytes);
    } finally {
      NANOS.addAndGet(System.nanoTime() - start);
    }
  }

  private boolean decide(ClassLoader loader, String internalName, byte[] bytes) {
    SEEN.incrementAndGet();
    if (internalName == null || bytes == null) {
      return false;
    }
    if (internalName.equals("io/depcache/DepCache")) {
      PASSED.incrementAndGet();
      return true;
    }
    if (isJdk(internalName) || internalName.startsWith("io/depcache/")) {
      return false;
    }
    ClassHeader header;
    try {
      header = ClassHeader.read(bytes);
    } catch (RuntimeException e) {
      PASSED.incrementAndGet();
      return true; // not understood here: Byte Buddy decides
    }
    boolean bequeaths = bequeaths(loader, internalName, header, 0);
    if (!header.isFinal()) {
      // Remembered for the subclasses that this loader defines later; a final class has none.
      cache(loader).put(internalName, bequeaths);
    }
    boolean candidate = bequeaths || matchesOwnName(internalName);
    if (candidate) {
      PASSED.incrementAndGet();
    }
    return candidate;
  }

  /**
   * Whether a loaded class can be passed over by its name alone when an attach looks for classes to
   * retransform: the JDK, the agent, and library classes that no configured pattern names.
   */
  boolean skipsByName(String internalName) {
    if (internalName.equals("io/depcache/DepCache")) {
      return false;
    }
    if (isJdk(internalName) || internalName.startsWith("io/depcache/")) {
      return true;
    }
    if (!library(internalName)) {
      return false;
    }
    return !named(ownName, internalName);
  }

  private boolean matchesOwnName(String internalName) {
    return named(ownName, internalName);
  }

  /** Whether one of the patterns' type parts matches the class. */
  private static boolean named(List<MethodPattern> patterns, String internalName) {
    if (patterns.isEmpty()) {
      return false;
    }
    String name = internalName.replace('/', '.');
    for (MethodPattern pattern : patterns) {
      if (pattern.matchesType(name)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether a class makes its subclasses candidates: it declares an annotation, a {@code Type+}
   * pattern names it, or one of its supertypes bequeaths.
   */
  private boolean bequeaths(
      ClassLoader loader, String internalName, ClassHeader header, int depth) {
    if (header.annotated() || named(anyAncestor, internalName)) {
      return true;
    }
    for (String supertype : header.supertypes()) {
      if (!isJdk(supertype)
          && !supertype.startsWith("io/depcache/")
          && !library(supertype)
          && inherited(loader, supertype, depth + 1)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether a supertype bequeaths; remembered per loader.
   *
   * <p>Its class file is read, never the class loaded: a class loaded from inside a transformer is
   * not passed to any transformer (the JDK's agent support guards against reentry), so loading an
   * annotated supertype here would leave it unrewritten for good.
   */
  private boolean inherited(ClassLoader loader, String internalName, int depth) {
    if (depth > MAX_DEPTH) {
      return true;
    }
    Map<String, Boolean> known = cache(loader);
    Boolean answer = known.get(internalName);
    if (answer != null) {
      return answer;
    }
    long start = System.nanoTime();
    byte[] bytes = read(loader, internalName);
    READ_NANOS.addAndGet(System.nanoTime() - start);
    if (bytes == null) {
      // not readable: at run time such a class would not link, so it contributes nothing
      answer = false;
    } else {
      try {
        answer = bequeaths(loader, internalName, ClassHeader.read(bytes), depth);
      } catch (RuntimeException e) {
        answer = true; // not understood here: Byte Buddy decides
      }
    }
    known.put(internalName, answer);
    return answer;
  }

  private static byte[] read(ClassLoader loader, String internalName) {
    SUPERTYPES_READ.incrementAndGet();
    return classFile(loader, internalName);
  }

  /**
   * A class's file as its loader serves it, or {@code null} when it does not.
   *
   * @param loader the loader, {@code null} for the bootstrap loader
   * @param internalName the class file's name of the class
   */
  static byte[] classFile(ClassLoader loader, String internalName) {
    String resource = internalName + ".class";
    try (InputStream in =
        loader == null
            ? ClassLoader.getPlatformClassLoader().getResourceAsStream(resource)
            : loader.getResourceAsStream(resource)) {
      return in == null ? null : in.readAllBytes();
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private Map<String, Boolean> cache(ClassLoader loader) {
    if (loader == null) {
      return bootstrap;
    }
    synchronized (byLoader) {
      return byLoader.computeIfAbsent(loader, l -> new ConcurrentHashMap<>());
    }
  }

  static boolean isJdk(String internalName) {
    return internalName.startsWith("java/")
        || internalName.startsWith("javax/")
        || internalName.startsWith("jdk/")
        || internalName.startsWith("sun/")
        || internalName.startsWith("com/sun/");
  }
}
