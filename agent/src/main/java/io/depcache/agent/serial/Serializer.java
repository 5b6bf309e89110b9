package io.depcache.agent.serial;

/** Turns cached values into bytes and back. Implementations are thread-safe. */
public interface Serializer {
  /**
   * The name users configure with {@code depcache.serializer}.
   *
   * @return e.g. {@code java}
   */
  String name();

  /**
   * Encodes a value.
   *
   * @param value the value, never {@code null}
   * @return its bytes
   * @throws NotSerializableValueException when the value (or something it holds) cannot be encoded
   */
  byte[] serialize(Object value);

  /**
   * Decodes a value.
   *
   * @param data bytes from {@link #serialize(Object)}
   * @param loader the class loader of the cached method, which sees the application's classes
   * @return the value
   * @throws CorruptEntryException when the bytes cannot be decoded or name a class that is not
   *     allowed or no longer compatible
   */
  Object deserialize(byte[] data, ClassLoader loader);
}
