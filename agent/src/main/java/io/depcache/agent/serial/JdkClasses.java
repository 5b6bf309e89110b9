package io.depcache.agent.serial;

import java.util.Set;

/**
 * The JDK classes that deserialization may always instantiate: value types and collections, and the
 * JDK-internal classes that their serialized form names.
 *
 * <p>The boxed primitives, {@code String}, {@code BigInteger}, {@code BigDecimal}, the {@code
 * java.util} and {@code java.util.concurrent} collections and maps together with the classes their
 * streams name ({@code CollSer}, {@code Collections$*}, {@code ImmutableCollections$*}, {@code
 * Arrays$ArrayList}, {@code EnumSet$SerializationProxy}, ...), {@code java.time.**}, {@code UUID},
 * {@code Date}, {@code Locale}, {@code Currency}, {@code URI}, {@code Optional} (which only the
 * {@code kryo} serializer writes), {@code Enum} and {@code Record}. Exceptions are not here:
 * entries hold an exception as its class name and message.
 *
 * <p>{@code java.net.URL} is deliberately left out: {@code URL.hashCode} resolves host names, so a
 * forged {@code HashMap<URL, ?>} would make the reader perform DNS lookups (the "URLDNS" gadget).
 */
final class JdkClasses {
  private static final Set<String> CLASSES =
      Set.of(
          "java.lang.Object", // only ever as the element type of Object[]
          "boolean", // primitives appear as names when a Class object such as int.class is read
          "byte",
          "char",
          "short",
          "int",
          "long",
          "float",
          "double",
          "void",
          "java.lang.Boolean",
          "java.lang.Byte",
          "java.lang.Character",
          "java.lang.Short",
          "java.lang.Integer",
          "java.lang.Long",
          "java.lang.Float",
          "java.lang.Double",
          "java.lang.Number",
          "java.lang.String",
          "java.lang.String$CaseInsensitiveComparator",
          "java.lang.Enum",
          "java.lang.Record",
          "java.math.BigInteger",
          "java.math.BigDecimal",
          "java.math.MathContext",
          "java.math.RoundingMode",
          "java.net.URI",
          "java.util.Collection",
          "java.util.List",
          "java.util.Set",
          "java.util.Map",
          "java.util.Map$Entry",
          "java.util.ArrayList",
          "java.util.LinkedList",
          "java.util.Vector",
          "java.util.Stack",
          "java.util.ArrayDeque",
          "java.util.PriorityQueue",
          "java.util.HashMap",
          "java.util.LinkedHashMap",
          "java.util.TreeMap",
          "java.util.Hashtable",
          "java.util.IdentityHashMap",
          "java.util.EnumMap",
          "java.util.HashSet",
          "java.util.LinkedHashSet",
          "java.util.TreeSet",
          "java.util.EnumSet",
          "java.util.EnumSet$SerializationProxy",
          "java.util.RegularEnumSet",
          "java.util.JumboEnumSet",
          "java.util.BitSet",
          "java.util.CollSer",
          "java.util.Arrays$ArrayList",
          "java.util.AbstractMap$SimpleEntry",
          "java.util.AbstractMap$SimpleImmutableEntry",
          "java.util.Comparators$NaturalOrderComparator",
          "java.util.UUID",
          "java.util.Date",
          "java.util.Locale",
          "java.util.Currency",
          // not Serializable, so only kryo meets them inside a value
          "java.util.Optional",
          "java.util.OptionalInt",
          "java.util.OptionalLong",
          "java.util.OptionalDouble",
          "java.util.concurrent.ConcurrentHashMap",
          "java.util.concurrent.ConcurrentHashMap$KeySetView",
          "java.util.concurrent.ConcurrentHashMap$Segment",
          "java.util.concurrent.ConcurrentSkipListMap",
          "java.util.concurrent.ConcurrentSkipListSet",
          "java.util.concurrent.ConcurrentLinkedQueue",
          "java.util.concurrent.ConcurrentLinkedDeque",
          "java.util.concurrent.CopyOnWriteArrayList",
          "java.util.concurrent.CopyOnWriteArraySet",
          // ConcurrentHashMap still writes its pre-Java-8 segments, which are ReentrantLocks
          "java.util.concurrent.locks.ReentrantLock",
          "java.util.concurrent.locks.ReentrantLock$Sync",
          "java.util.concurrent.locks.ReentrantLock$NonfairSync",
          "java.util.concurrent.locks.AbstractQueuedSynchronizer",
          "java.util.concurrent.locks.AbstractOwnableSynchronizer");

  private static final Set<String> PRIMITIVES =
      Set.of("boolean", "byte", "char", "short", "int", "long", "float", "double", "void");

  private static final String[] PREFIXES = {
    "java.time.", "java.util.Collections$", "java.util.ImmutableCollections$"
  };

  /** Packages whose classes are covered, as far as they are safe, by the lists above. */
  private static final String[] JDK_PACKAGES = {"java.", "javax.", "jdk.", "sun.", "com.sun."};

  private JdkClasses() {}

  /**
   * Tells whether a class is one of the safe JDK classes.
   *
   * @param name a binary class name, not an array
   * @return whether it is listed or in a listed family
   */
  static boolean safe(String name) {
    if (CLASSES.contains(name)) {
      return true;
    }
    for (String prefix : PREFIXES) {
      if (name.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Tells whether a class belongs to the JDK (or the JVM's internals).
   *
   * @param name a binary class name
   * @return whether it is in {@code java.}, {@code javax.}, {@code jdk.}, {@code sun.} or {@code
   *     com.sun.}
   */
  static boolean isJdk(String name) {
    for (String prefix : JDK_PACKAGES) {
      if (name.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Tells whether a name is a primitive type's.
   *
   * @param name a type name
   * @return whether it is {@code int}, {@code void}, ...
   */
  static boolean isPrimitive(String name) {
    return PRIMITIVES.contains(name);
  }
}
