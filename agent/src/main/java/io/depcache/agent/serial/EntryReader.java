package io.depcache.agent.serial;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.depcache.agent.serial.StoredEntry.Kind;
import java.util.Objects;

/**
 * Reads the format that {@link EntryCodec} documents, checking every length against the bytes that
 * remain before it allocates anything.
 */
final class EntryReader {
  final byte[] bytes;
  int pos;

  /** The code of the serializer of the value bytes, from {@link #header}. */
  int serializer;

  EntryReader(byte[] bytes) {
    this.bytes = Objects.requireNonNull(bytes, "bytes");
  }

  Kind header() {
    if (bytes.length < EntryCodec.HEADER) {
      throw new CorruptEntryException(
          "not a depcache entry: " + bytes.length + " bytes, shorter than the header");
    }
    if (bytes[0] != EntryCodec.MAGIC) {
      throw new CorruptEntryException(
          String.format(
              "not a depcache entry: first byte 0x%02x instead of 0x%02x",
              bytes[0] & 0xFF, EntryCodec.MAGIC & 0xFF));
    }
    if (bytes[1] != EntryCodec.VERSION) {
      throw new CorruptEntryException(
          "entry format version "
              + (bytes[1] & 0xFF)
              + " is not supported (expected "
              + EntryCodec.VERSION
              + ")");
    }
    pos = EntryCodec.HEADER;
    int kind = bytes[2] & EntryCodec.KIND_MASK;
    serializer = (bytes[2] & 0xFF) >>> EntryCodec.SERIALIZER_SHIFT;
    Kind decoded =
        switch (kind) {
          case EntryCodec.KIND_VALUE -> Kind.VALUE;
          case EntryCodec.KIND_NULL -> Kind.NULL;
          case EntryCodec.KIND_EXCEPTION -> Kind.EXCEPTION;
          case EntryCodec.KIND_OPTIONAL -> Kind.OPTIONAL;
          case EntryCodec.KIND_OPTIONAL_EMPTY -> Kind.OPTIONAL_EMPTY;
          default -> null;
        };
    // only an entry with value bytes names the serializer that wrote them
    if (decoded == null || (serializer != 0 && decoded != Kind.VALUE && decoded != Kind.OPTIONAL)) {
      throw new CorruptEntryException("unknown entry kind " + (bytes[2] & 0xFF));
    }
    return decoded;
  }

  /**
   * Reads the dependency section, checking its every count, length and manager index, and returns
   * its dependencies without decoding them: their strings are made when somebody asks for them (a
   * hit inside another cached call, a listener of its event), which most hits are not.
   */
  EntryDependencies dependencies() {
    int start = pos;
    // each manager takes at least one byte, each dependency at least two and its sequence
    int m = count(1, "managers");
    for (int i = 0; i < m; i++) {
      skipString();
    }
    int n = count(2 + Long.BYTES, "dependencies");
    for (int i = 0; i < n; i++) {
      int manager = varint();
      if (manager >= m) {
        throw new CorruptEntryException(
            "dependency " + i + " names manager " + manager + " of " + m);
      }
      skipString();
      if (Long.BYTES > bytes.length - pos) {
        throw truncated("a sequence of 8 bytes");
      }
      pos += Long.BYTES;
    }
    return n == 0 ? EntryDependencies.NONE : EntryDependencies.encoded(bytes, start, n);
  }

  /**
   * Decodes a dependency section that {@link #dependencies()} checked, from its start.
   *
   * @param managerOf receives, per dependency, its manager's name
   * @param names receives, per dependency, its text
   * @param sequences receives, per dependency, its sequence
   */
  void decodeDependencies(String[] managerOf, String[] names, long[] sequences) {
    int m = varint();
    String[] managers = new String[m];
    for (int i = 0; i < m; i++) {
      managers[i] = string();
    }
    int n = varint();
    for (int i = 0; i < n; i++) {
      managerOf[i] = managers[varint()];
      names[i] = string();
      sequences[i] = fixedLong();
    }
  }

  private void skipString() {
    int length = varint();
    if (length > bytes.length - pos) {
      throw truncated("a string of " + length + " bytes");
    }
    pos += length;
  }

  long fixedLong() {
    if (Long.BYTES > bytes.length - pos) {
      throw truncated("a sequence of 8 bytes");
    }
    long value = 0;
    for (int i = 0; i < Long.BYTES; i++) {
      value = (value << 8) | (bytes[pos++] & 0xFF);
    }
    return value;
  }

  String string() {
    int length = varint();
    if (length > bytes.length - pos) {
      throw truncated("a string of " + length + " bytes");
    }
    String s = new String(bytes, pos, length, UTF_8);
    pos += length;
    return s;
  }

  boolean flag() {
    if (pos >= bytes.length) {
      throw truncated("a flag");
    }
    byte b = bytes[pos++];
    if (b != 0 && b != 1) {
      throw new CorruptEntryException("flag byte " + b + " at offset " + (pos - 1));
    }
    return b == 1;
  }

  void expectEnd() {
    if (pos != bytes.length) {
      throw new CorruptEntryException(
          (bytes.length - pos) + " unexpected bytes after the entry at offset " + pos);
    }
  }

  private int count(int minBytesEach, String what) {
    int count = varint();
    if (count > (bytes.length - pos) / minBytesEach) {
      throw truncated(count + " " + what);
    }
    return count;
  }

  private int varint() {
    int value = 0;
    for (int shift = 0; shift < 35; shift += 7) {
      if (pos >= bytes.length) {
        throw truncated("a length");
      }
      byte b = bytes[pos++];
      value |= (b & 0x7F) << shift;
      if (b >= 0) {
        if (value < 0 || (shift == 28 && (b & 0x70) != 0)) {
          break;
        }
        return value;
      }
    }
    throw new CorruptEntryException("malformed length at offset " + pos);
  }

  private CorruptEntryException truncated(String what) {
    return new CorruptEntryException(
        "entry is truncated or corrupt: it needs "
            + what
            + " at offset "
            + pos
            + ", but only "
            + (bytes.length - pos)
            + " bytes remain");
  }
}
