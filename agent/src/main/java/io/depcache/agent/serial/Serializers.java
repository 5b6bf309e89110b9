package io.depcache.agent.serial;

import java.util.List;

/** Serializers by the name {@code depcache.serializer} gives them: the one place that maps them. */
public final class Serializers {
  /** The JDK's serialization behind the allowlist. */
  public static final String JAVA = "java";

  /** Kryo 5, registrations from the allowlist. */
  public static final String KRYO = "kryo";

  /** Every name, in the order messages list them. */
  public static final List<String> NAMES = List.of(JAVA, KRYO);

  private Serializers() {}

  /**
   * The serializer of a name.
   *
   * @param name {@code depcache.serializer}
   * @param allowList the classes deserialization may instantiate
   * @return a new serializer
   * @throws IllegalArgumentException naming the serializers this version has
   */
  public static Serializer named(String name, AllowList allowList) {
    if (JAVA.equals(name)) {
      return new JavaSerializer(allowList);
    }
    if (KRYO.equals(name)) {
      return new KryoSerializer(allowList);
    }
    throw new IllegalArgumentException(
        "serializer '"
            + name
            + "' is not one this version has (it has: "
            + String.join(", ", NAMES)
            + ")");
  }

  /**
   * The name of the serializer an entry code stands for, for messages.
   *
   * @param code from {@link Serializer#code()}
   * @return {@code java}, {@code kryo}, or {@code #code} for one this version does not have
   */
  static String nameOf(int code) {
    return switch (code) {
      case JavaSerializer.CODE -> JAVA;
      case KryoSerializer.CODE -> KRYO;
      default -> "#" + code;
    };
  }
}
