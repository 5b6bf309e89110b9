package io.depcache.agent.serial;

import static java.io.ObjectStreamConstants.baseWireHandle;

import java.util.Arrays;

/**
 * The handle table of a stream as {@link StreamExpansion} sees it: for each handle that the reader
 * assigns, in the same order, either an object still being read (at which depth), an object read
 * (its expansion), or a class descriptor.
 */
final class StreamHandles {
  private static final byte READ = 0; // value: the expansion
  private static final byte OPEN = 1; // value: the depth at which it is being read
  private static final byte DESC = 2; // value: the index in descs
  private static final byte DESC_OPEN = 3;

  private byte[] kinds = new byte[64];
  private long[] values = new long[64];
  private int count;
  private Desc[] descs = new Desc[16];
  private int descCount;

  /** The handles assigned since the last reset. */
  int count() {
    return count;
  }

  /** Forgets every handle, as the reader does at a reset. */
  void clear() {
    count = 0;
    descCount = 0;
  }

  int read(long expansion) {
    return assign(READ, expansion);
  }

  int open(int depth) {
    return assign(OPEN, depth);
  }

  void close(int handle, long expansion) {
    kinds[handle] = READ;
    values[handle] = expansion;
  }

  int openDesc() {
    return assign(DESC_OPEN, 0);
  }

  void describe(int handle, Desc desc) {
    if (descCount == descs.length) {
      descs = Arrays.copyOf(descs, descCount * 2);
    }
    descs[descCount] = desc;
    kinds[handle] = DESC;
    values[handle] = descCount++;
  }

  /**
   * Finds the handle a back reference names.
   *
   * @param wire the handle as the stream writes it
   * @return the index of an assigned handle
   * @throws StreamBytes.Stop when no such handle was assigned, which the reader refuses too
   */
  int lookup(int wire) {
    int handle = wire - baseWireHandle;
    if (handle < 0 || handle >= count) {
      throw StreamBytes.STOP;
    }
    return handle;
  }

  boolean isOpen(int handle) {
    return kinds[handle] == OPEN;
  }

  /** The depth of an object still being read. */
  int depth(int handle) {
    return (int) values[handle];
  }

  /** The expansion of an object read; one for a class descriptor. */
  long expansion(int handle) {
    return kinds[handle] == READ ? values[handle] : 1;
  }

  /** The class descriptor of a handle, or null when it is not one that has been read. */
  Desc desc(int handle) {
    return kinds[handle] == DESC ? descs[(int) values[handle]] : null;
  }

  private int assign(byte kind, long value) {
    if (count == kinds.length) {
      kinds = Arrays.copyOf(kinds, count * 2);
      values = Arrays.copyOf(values, count * 2);
    }
    kinds[count] = kind;
    values[count] = value;
    return count++;
  }

  /** A class descriptor as far as the grammar needs it. */
  static final class Desc {
    final int nameAt;
    final int nameLength;
    final int flags;
    final int primitiveBytes;
    final int objectFields;
    final Desc superDesc;
    final int chainLength;

    /** The element type code of an array class ('I', 'L', '['...), else 0. */
    final int elementType;

    /** Whether the class is a java.util one, whose hash code reads what it holds. */
    final boolean javaUtil;

    Desc(
        StreamBytes in,
        int nameAt,
        int nameLength,
        int flags,
        int primitiveBytes,
        int objectFields,
        Desc superDesc) {
      this.nameAt = nameAt;
      this.nameLength = nameLength;
      this.flags = flags;
      this.primitiveBytes = primitiveBytes;
      this.objectFields = objectFields;
      this.superDesc = superDesc;
      this.chainLength = superDesc == null ? 1 : superDesc.chainLength + 1;
      this.elementType = nameLength > 1 && in.byteAt(nameAt) == '[' ? in.byteAt(nameAt + 1) : 0;
      this.javaUtil = in.startsWith(nameAt, nameLength, "java.util.");
    }
  }
}
