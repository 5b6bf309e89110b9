package io.depcache.agent.serial;

/** Serializers by the name {@code depcache.serializer} gives them: the one place that maps them. */
public final class Serializers {
  /** The JDK's serialization behind the allowlist. */
  public static final String JAVA = "java";

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
    throw new IllegalArgumentException(
        "serializer '" + name + "' is not one this version has (it has: " + JAVA + ")");
  }
}
