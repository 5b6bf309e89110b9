package io.depcache.agent.serial;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.depcache.agent.serial.StoredEntry.Kind;

/**
 * What an operator sees of an entry without deserializing it ({@code inspect}): its kind, the class
 * of its value as the serialized bytes name it, its size and its dependencies. Nothing of the value
 * is instantiated, so inspecting needs neither the application's classes nor the allowlist.
 *
 * @param kind what the entry holds
 * @param valueClass the class the value's bytes name (for an exception, its class; {@code null} for
 *     a cached {@code null} or an empty {@code Optional}); {@code "?"} when the serializer's format
 *     does not say it up front
 * @param serializer the serializer that wrote the value, or {@code null} when there is no value
 * @param bytes the entry's size in the store
 * @param dependencies the entry's dependencies with their sequences
 * @param signed whether the entry carries a MAC (depcache.signing-key); this summary does not check
 *     it
 */
public record EntrySummary(
    Kind kind,
    String valueClass,
    String serializer,
    int bytes,
    EntryDependencies dependencies,
    boolean signed) {

  private static final int STREAM_MAGIC = 0xACED;
  private static final int TC_NULL = 0x70;
  private static final int TC_CLASSDESC = 0x72;
  private static final int TC_OBJECT = 0x73;
  private static final int TC_STRING = 0x74;
  private static final int TC_ARRAY = 0x75;
  private static final int TC_LONGSTRING = 0x7C;
  private static final int TC_PROXYCLASSDESC = 0x7D;
  private static final int TC_ENUM = 0x7E;

  /**
   * Reads an entry's header and the first bytes of its value.
   *
   * @param stored the stored entry, signed or not
   * @throws CorruptEntryException when the bytes are not an entry of this format
   */
  public static EntrySummary of(byte[] stored) {
    boolean signed = EntrySigner.isSealed(stored);
    byte[] bytes = signed ? EntrySigner.contents(stored) : stored;
    EntryReader in = new EntryReader(bytes);
    Kind kind = in.header();
    EntryDependencies dependencies = in.dependencies();
    String valueClass;
    String serializer = null;
    switch (kind) {
      case VALUE, OPTIONAL -> {
        serializer = Serializers.nameOf(in.serializer);
        String inside = in.serializer == JavaSerializer.CODE ? javaClassName(bytes, in.pos) : "?";
        valueClass = kind == Kind.OPTIONAL ? "java.util.Optional<" + inside + ">" : inside;
      }
      case EXCEPTION -> valueClass = in.string();
      case OPTIONAL_EMPTY -> valueClass = "java.util.Optional (empty)";
      default -> valueClass = null;
    }
    return new EntrySummary(kind, valueClass, serializer, stored.length, dependencies, signed);
  }

  /** The class that a JDK serialization stream's first object names. */
  static String javaClassName(byte[] b, int at) {
    if (b.length < at + 5 || ((b[at] & 0xFF) << 8 | (b[at + 1] & 0xFF)) != STREAM_MAGIC) {
      return "?";
    }
    int p = at + 4;
    int tc = b[p++] & 0xFF;
    switch (tc) {
      case TC_NULL:
        return null;
      case TC_STRING:
      case TC_LONGSTRING:
        return "java.lang.String";
      case TC_OBJECT:
      case TC_ARRAY:
      case TC_ENUM:
        break;
      default:
        return "?";
    }
    if (p >= b.length) {
      return "?";
    }
    int desc = b[p++] & 0xFF;
    if (desc == TC_PROXYCLASSDESC) {
      return "a proxy class";
    }
    if (desc != TC_CLASSDESC || p + 2 > b.length) {
      return "?";
    }
    int length = (b[p] & 0xFF) << 8 | (b[p + 1] & 0xFF);
    p += 2;
    if (p + length > b.length) {
      return "?";
    }
    // modified UTF-8 equals UTF-8 for every class name without NUL or supplementary characters
    return new String(b, p, length, UTF_8);
  }
}
