package io.depcache.agent.serial;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.depcache.agent.serial.StoredEntry.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The on-store format of one entry: a small versioned header, the dependencies, then the value.
 *
 * <pre>
 * byte     magic 0xDC
 * byte     format version, 2
 * byte     kind, low 4 bits: 0 VALUE, 1 NULL, 2 EXCEPTION, 3 OPTIONAL, 4 OPTIONAL_EMPTY;
 *          high 4 bits: the serializer of the value bytes (0 java, 1 kryo), 0 without them
 * varint   m, the number of distinct managers
 * m x      string: a manager's name, in order of first use
 * varint   n, the number of dependencies
 * n x      varint: the index of the dependency's manager (below m); string: the dependency;
 *          8 bytes: the sequence its declaring computation started at (big-endian; MAX: unknown)
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
 * The serializer's code sits in bits that entries of earlier versions, all written by {@code java},
 * left at 0, so that those still read; an entry whose value another serializer wrote is corrupt to
 * this one (a miss, and replaced), never read as its own bytes. The value comes last so that it
 * needs no length and is read in place, without a copy.
 *
 * <p>Decoding trusts nothing: every length is checked against the bytes that remain before anything
 * is allocated, and whatever is wrong (another format version, truncation, bytes that someone else
 * wrote under the key) surfaces as {@link CorruptEntryException}, which callers treat as a miss.
 */
public final class EntryCodec {
  /**
   * The size limit of an entry written without {@code depcache.max-entry-bytes}: what an array
   * holds.
   */
  static final int NO_SIZE_LIMIT = Integer.MAX_VALUE - 64;

  static final byte MAGIC = (byte) 0xDC;
  static final byte VERSION = 2;

  /** Magic, version, kind. */
  static final int HEADER = 3;

  // kinds have codes of their own: reordering StoredEntry.Kind must not change the format
  static final byte KIND_VALUE = 0;
  static final byte KIND_NULL = 1;
  static final byte KIND_EXCEPTION = 2;
  static final byte KIND_OPTIONAL = 3;
  static final byte KIND_OPTIONAL_EMPTY = 4;

  static final int KIND_MASK = 0x0F;
  static final int SERIALIZER_SHIFT = 4;

  private EntryCodec() {}

  /**
   * Encodes an entry.
   *
   * @param entry the entry
   * @param serializer encodes the value of a {@link Kind#VALUE} entry
   * @return the bytes to store
   * @throws NotSerializableValueException when the value cannot be serialized
   * @throws IllegalArgumentException when the entry is inconsistent (a {@code VALUE} without a
   *     value, an {@code EXCEPTION} without a class name)
   */
  public static byte[] encode(StoredEntry entry, Serializer serializer) {
    return encode(entry, serializer, NO_SIZE_LIMIT);
  }

  /**
   * Encodes an entry into at most {@code maxBytes} bytes.
   *
   * @param maxBytes {@code depcache.max-entry-bytes}
   * @throws ValueTooLargeException when the entry would take more; the value's serializer stopped
   *     at the limit
   * @see #encode(StoredEntry, Serializer)
   */
  public static byte[] encode(StoredEntry entry, Serializer serializer, int maxBytes) {
    Kind kind = Objects.requireNonNull(entry.kind(), "entry kind");
    EntryDependencies dependencies = entry.dependencies();
    int n = dependencies.size();

    List<byte[]> managers = new ArrayList<>(2);
    List<String> managerNames = new ArrayList<>(2);
    int[] managerOf = new int[n];
    byte[][] names = new byte[n][];
    int size = HEADER;
    for (int i = 0; i < n; i++) {
      String manager = dependencies.manager(i);
      int index = managerNames.indexOf(manager);
      if (index < 0) {
        index = managerNames.size();
        managerNames.add(manager);
        byte[] encoded = manager.getBytes(UTF_8);
        managers.add(encoded);
        size += stringSize(encoded);
      }
      managerOf[i] = index;
      names[i] = dependencies.name(i).getBytes(UTF_8);
      size += varintSize(index) + stringSize(names[i]) + Long.BYTES;
    }
    size += varintSize(managers.size()) + varintSize(n);

    byte[] tail;
    if (kind == Kind.VALUE || kind == Kind.OPTIONAL) {
      if (entry.value() == null) {
        throw new IllegalArgumentException("a " + kind + " entry needs a value; null is Kind.NULL");
      }
      tail = serializer.serialize(entry.value(), Math.max(0, maxBytes - size));
    } else if (kind == Kind.EXCEPTION) {
      tail = exceptionBytes(entry);
    } else {
      tail = new byte[0];
    }

    if ((long) size + tail.length > maxBytes) {
      throw new ValueTooLargeException(
          "the entry takes "
              + ((long) size + tail.length)
              + " bytes, more than "
              + maxBytes
              + " (depcache.max-entry-bytes)");
    }
    Writer out = new Writer(size + tail.length);
    out.bytes[0] = MAGIC;
    out.bytes[1] = VERSION;
    byte code =
        switch (kind) {
          case VALUE -> KIND_VALUE;
          case NULL -> KIND_NULL;
          case EXCEPTION -> KIND_EXCEPTION;
          case OPTIONAL -> KIND_OPTIONAL;
          case OPTIONAL_EMPTY -> KIND_OPTIONAL_EMPTY;
        };
    boolean hasValue = kind == Kind.VALUE || kind == Kind.OPTIONAL;
    out.bytes[2] = (byte) (hasValue ? code | serializer.code() << SERIALIZER_SHIFT : code);
    out.pos = HEADER;
    out.varint(managers.size());
    for (byte[] manager : managers) {
      out.string(manager);
    }
    out.varint(n);
    for (int i = 0; i < n; i++) {
      out.varint(managerOf[i]);
      out.string(names[i]);
      out.fixedLong(dependencies.sequence(i));
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
   * @return the entry
   * @throws CorruptEntryException when the bytes are not a readable entry of this format
   */
  public static StoredEntry decode(byte[] bytes, Serializer serializer, ClassLoader loader) {
    return decode(bytes, serializer, loader, Integer.MAX_VALUE);
  }

  /**
   * Decodes an entry of at most {@code maxBytes} bytes.
   *
   * @param maxBytes {@code depcache.max-entry-bytes}: a larger entry is corrupt, unread
   * @see #decode(byte[], Serializer, ClassLoader)
   */
  public static StoredEntry decode(
      byte[] bytes, Serializer serializer, ClassLoader loader, int maxBytes) {
    if (bytes.length > maxBytes) {
      throw new CorruptEntryException(
          "the entry takes "
              + bytes.length
              + " bytes, more than "
              + maxBytes
              + " (depcache.max-entry-bytes)");
    }
    EntryReader in = new EntryReader(bytes);
    Kind kind = in.header();
    if ((kind == Kind.VALUE || kind == Kind.OPTIONAL) && in.serializer != serializer.code()) {
      throw new CorruptEntryException(
          "the entry's value was written by serializer "
              + Serializers.nameOf(in.serializer)
              + ", and this manager reads with "
              + serializer.name()
              + " (depcache.serializer)");
    }
    EntryDependencies dependencies = in.dependencies();
    return switch (kind) {
      case NULL, OPTIONAL_EMPTY -> {
        in.expectEnd();
        yield new StoredEntry(kind, null, null, null, dependencies);
      }
      case EXCEPTION -> {
        String exceptionClass = in.string();
        String message = in.flag() ? in.string() : null;
        in.expectEnd();
        yield new StoredEntry(Kind.EXCEPTION, null, exceptionClass, message, dependencies);
      }
      case VALUE, OPTIONAL ->
          new StoredEntry(kind, value(bytes, in.pos, serializer, loader), null, null, dependencies);
    };
  }

  private static Object value(byte[] bytes, int offset, Serializer serializer, ClassLoader loader) {
    int length = bytes.length - offset;
    if (length == 0) {
      throw new CorruptEntryException("entry holds no value bytes");
    }
    try {
      return serializer.deserialize(bytes, offset, length, loader);
    } catch (CorruptEntryException e) {
      throw e;
    } catch (RuntimeException e) {
      // a custom serializer may fail in its own way; callers handle one type
      throw new CorruptEntryException(
          "serializer " + serializer.name() + " cannot read the value: " + e, e);
    }
  }

  /**
   * Reads only the dependencies of an entry, without touching its value.
   *
   * @param bytes what {@link #encode} produced
   * @return the dependencies
   * @throws CorruptEntryException when the header is not readable
   */
  public static EntryDependencies decodeDependencies(byte[] bytes) {
    EntryReader in = new EntryReader(bytes);
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

    void fixedLong(long value) {
      for (int shift = 56; shift >= 0; shift -= 8) {
        bytes[pos++] = (byte) (value >>> shift);
      }
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
}
