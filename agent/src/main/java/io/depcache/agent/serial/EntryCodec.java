package io.depcache.agent.serial;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.depcache.agent.serial.StoredEntry.Kind;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * The on-store format of one entry: a small versioned header, the dependencies, then the value.
 *
 * <pre>
 * byte     magic 0xDC
 * byte     format version, 1
 * byte     kind: 0 VALUE, 1 NULL, 2 EXCEPTION, 3 OPTIONAL, 4 OPTIONAL_EMPTY
 * varint   m, the number of distinct managers
 * m x      string: a manager's name, in order of first use
 * varint   n, the number of dependencies
 * n x      varint: the index of the dependency's manager (below m); string: the dependency
 * then, by kind:
 *   VALUE      the serializer's bytes, up to the end
 *   OPTIONAL   the serializer's bytes of the Optional's content, up to the end
 *   NULL       nothing: the entry ends here (also OPTIONAL_EMPTY)
 *   EXCEPTION  string: the exception's class name; byte 0 (no message) or 1, then string: message
 *
 * string   varint byte length, then that many bytes of UTF-8
 * varint   unsigned LEB128, at most 5 bytes, at most Integer.MAX_VALUE
 * </pre>
 *
 * Managers are listed once because the dependencies of one entry nearly always share one or two.
 * The value comes last so that it needs no length and is read in place, without a copy.
 *
 * <p>Decoding trusts nothing: every length is checked against the bytes that remain before anything
 * is allocated, and whatever is wrong (another format version, truncation, bytes that someone else
 * wrote under the key) surfaces as {@link CorruptEntryException}, which callers treat as a miss.
 */
public final class EntryCodec {
  static final byte MAGIC = (byte) 0xDC;
  static final byte VERSION = 1;

  private static final Kind[] KINDS = Kind.values();

  private EntryCodec() {}

  /**
   * Encodes an entry.
   *
   * @param entry the entry; a {@code null} dependency list counts as empty
   * @param serializer encodes the value of a {@link Kind#VALUE} entry
   * @return the bytes to store
   * @throws NotSerializableValueException when the value cannot be serialized
   * @throws IllegalArgumentException when the entry is inconsistent (a {@code VALUE} without a
   *     value, an {@code EXCEPTION} without a class name, a dependency with a {@code null} part)
   */
  public static byte[] encode(StoredEntry entry, Serializer serializer) {
    Kind kind = Objects.requireNonNull(entry.kind(), "entry kind");
    List<Dependency> dependencies = entry.dependencies() == null ? List.of() : entry.dependencies();
    int n = dependencies.size();

    List<byte[]> managers = new ArrayList<>(2);
    List<String> managerNames = new ArrayList<>(2);
    int[] managerOf = new int[n];
    byte[][] names = new byte[n][];
    int size = 3;
    for (int i = 0; i < n; i++) {
      Dependency dependency = dependencies.get(i);
      if (dependency == null || dependency.manager() == null || dependency.name() == null) {
        throw new IllegalArgumentException("dependency " + i + " is incomplete: " + dependency);
      }
      int index = managerNames.indexOf(dependency.manager());
      if (index < 0) {
        index = managerNames.size();
        managerNames.add(dependency.manager());
        byte[] manager = dependency.manager().getBytes(UTF_8);
        managers.add(manager);
        size += stringSize(manager);
      }
      managerOf[i] = index;
      names[i] = dependency.name().getBytes(UTF_8);
      size += varintSize(index) + stringSize(names[i]);
    }
    size += varintSize(managers.size()) + varintSize(n);

    byte[] tail;
    if (kind == Kind.VALUE || kind == Kind.OPTIONAL) {
      if (entry.value() == null) {
        throw new IllegalArgumentException("a " + kind + " entry needs a value; null is Kind.NULL");
      }
      tail = serializer.serialize(entry.value());
    } else if (kind == Kind.EXCEPTION) {
      tail = exceptionBytes(entry);
    } else {
      tail = new byte[0];
    }

    Writer out = new Writer(size + tail.length);
    out.bytes[0] = MAGIC;
    out.bytes[1] = VERSION;
    out.bytes[2] = (byte) kind.ordinal();
    out.pos = 3;
    out.varint(managers.size());
    for (byte[] manager : managers) {
      out.string(manager);
    }
    out.varint(n);
    for (int i = 0; i < n; i++) {
      out.varint(managerOf[i]);
      out.string(names[i]);
    }
    System.arraycopy(tail, 0, out.bytes, out.pos, tail.length);
    return out.bytes;
  }

  /**
   * Decodes an entry.
   *
   * @param bytes what {@link #encode} produced
   * @param serializer decodes the value of a {@link Kind#VALUE} entry; must be the one that encoded
   *     it
   * @param loader the cached method's class loader, for the value's classes
   * @return the entry, with an unmodifiable dependency list
   * @throws CorruptEntryException when the bytes are not a readable entry of this format
   */
  public static StoredEntry decode(byte[] bytes, Serializer serializer, ClassLoader loader) {
    Reader in = new Reader(bytes);
    Kind kind = in.header();
    List<Dependency> dependencies = in.dependencies();
    switch (kind) {
      case NULL:
      case OPTIONAL_EMPTY:
        in.expectEnd();
        return new StoredEntry(kind, null, null, null, dependencies);
      case EXCEPTION:
        String exceptionClass = in.string();
        String message = in.flag() ? in.string() : null;
        in.expectEnd();
        return new StoredEntry(Kind.EXCEPTION, null, exceptionClass, message, dependencies);
      default:
        int length = bytes.length - in.pos;
        if (length == 0) {
          throw new CorruptEntryException("entry holds no value bytes");
        }
        Object value;
        try {
          value = serializer.deserialize(bytes, in.pos, length, loader);
        } catch (CorruptEntryException e) {
          throw e;
        } catch (RuntimeException e) {
          throw new CorruptEntryException(
              "serializer " + serializer.name() + " cannot read the value: " + e, e);
        }
        return new StoredEntry(kind, value, null, null, dependencies);
    }
  }

  /**
   * Reads only the dependencies of an entry, without touching its value.
   *
   * @param bytes what {@link #encode} produced
   * @return the dependencies, unmodifiable
   * @throws CorruptEntryException when the header is not readable
   */
  public static List<Dependency> decodeDependencies(byte[] bytes) {
    Reader in = new Reader(bytes);
    in.header();
    return in.dependencies();
  }

  private static byte[] exceptionBytes(StoredEntry entry) {
    if (entry.exceptionClass() == null) {
      throw new IllegalArgumentException("an EXCEPTION entry needs the exception's class name");
    }
    byte[] type = entry.exceptionClass().getBytes(UTF_8);
    byte[] message =
        entry.exceptionMessage() == null ? null : entry.exceptionMessage().getBytes(UTF_8);
    Writer out = new Writer(stringSize(type) + 1 + (message == null ? 0 : stringSize(message)));
    out.string(type);
    out.bytes[out.pos++] = (byte) (message == null ? 0 : 1);
    if (message != null) {
      out.string(message);
    }
    return out.bytes;
  }

  private static int stringSize(byte[] utf8) {
    return varintSize(utf8.length) + utf8.length;
  }

  private static int varintSize(int value) {
    int size = 1;
    while ((value >>>= 7) != 0) {
      size++;
    }
    return size;
  }

  /** Writes into an array of the exact final size. */
  private static final class Writer {
    final byte[] bytes;
    int pos;

    Writer(int size) {
      bytes = new byte[size];
    }

    void varint(int value) {
      while ((value & ~0x7F) != 0) {
        bytes[pos++] = (byte) ((value & 0x7F) | 0x80);
        value >>>= 7;
      }
      bytes[pos++] = (byte) value;
    }

    void string(byte[] utf8) {
      varint(utf8.length);
      System.arraycopy(utf8, 0, bytes, pos, utf8.length);
      pos += utf8.length;
    }
  }

  /** Reads an entry, checking every length against what remains. */
  private static final class Reader {
    final byte[] bytes;
    int pos;

    Reader(byte[] bytes) {
      this.bytes = Objects.requireNonNull(bytes, "bytes");
    }

    Kind header() {
      if (bytes.length < 3) {
        throw new CorruptEntryException(
            "not a depcache entry: " + bytes.length + " bytes, shorter than the header");
      }
      if (bytes[0] != MAGIC) {
        throw new CorruptEntryException(
            String.format(
                "not a depcache entry: first byte 0x%02x instead of 0x%02x",
                bytes[0] & 0xFF, MAGIC & 0xFF));
      }
      if (bytes[1] != VERSION) {
        throw new CorruptEntryException(
            "entry format version "
                + (bytes[1] & 0xFF)
                + " is not supported (expected "
                + VERSION
                + ")");
      }
      int kind = bytes[2] & 0xFF;
      if (kind >= KINDS.length) {
        throw new CorruptEntryException("unknown entry kind " + kind);
      }
      pos = 3;
      return KINDS[kind];
    }

    List<Dependency> dependencies() {
      // each manager takes at least one byte, each dependency at least two
      int m = count(1, "managers");
      String[] managers = new String[m];
      for (int i = 0; i < m; i++) {
        managers[i] = string();
      }
      int n = count(2, "dependencies");
      if (n == 0) {
        return List.of();
      }
      Dependency[] dependencies = new Dependency[n];
      for (int i = 0; i < n; i++) {
        int manager = varint();
        if (manager >= m) {
          throw new CorruptEntryException(
              "dependency " + i + " names manager " + manager + " of " + m);
        }
        dependencies[i] = new Dependency(managers[manager], string());
      }
      return Collections.unmodifiableList(Arrays.asList(dependencies));
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
}
