package io.depcache.agent.serial;

import java.util.Arrays;

/** Turns cached values into bytes and back. Implementations are thread-safe. */
public interface Serializer {
  /**
   * The name users configure with {@code depcache.serializer}.
   *
   * @return e.g. {@code java}
   */
  String name();

  /**
   * The code that an entry carries for the serializer that wrote its value (0 to 15), so that a
   * manager that reads with another one sees a miss instead of an error.
   *
   * @return 0 for {@code java} (as entries written before serializers had codes), 1 for {@code
   *     kryo}
   */
  int code();

  /**
   * Encodes a value.
   *
   * @param value the value, never {@code null}
   * @return its bytes
   * @throws NotSerializableValueException when the value (or something it holds) cannot be encoded
   */
  byte[] serialize(Object value);

  /**
   * Encodes a value into at most {@code maxBytes} bytes. The default encodes the whole value, then
   * checks; implementations override it to stop writing at the limit.
   *
   * @param value the value, never {@code null}
   * @param maxBytes the most bytes the encoding may take
   * @return its bytes
   * @throws ValueTooLargeException when the encoding would take more
   * @throws NotSerializableValueException when the value cannot be encoded
   */
  default byte[] serialize(Object value, int maxBytes) {
    byte[] bytes = serialize(value);
    if (bytes.length > maxBytes) {
      throw ValueLimit.tooLarge(value, maxBytes);
    }
    return bytes;
  }

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

  /**
   * Decodes a value from part of an array, so that a caller holding a larger buffer (an encoded
   * entry) needs no copy. The default copies the range; implementations override it to read in
   * place.
   *
   * @param data an array holding bytes from {@link #serialize(Object)}
   * @param offset where those bytes start
   * @param length how many there are
   * @param loader the class loader of the cached method, which sees the application's classes
   * @return the value
   * @throws CorruptEntryException when the bytes cannot be decoded or name a class that is not
   *     allowed or no longer compatible
   */
  default Object deserialize(byte[] data, int offset, int length, ClassLoader loader) {
    if (offset == 0 && length == data.length) {
      return deserialize(data, loader);
    }
    return deserialize(Arrays.copyOfRange(data, offset, offset + length), loader);
  }
}
