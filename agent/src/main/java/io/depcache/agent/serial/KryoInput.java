package io.depcache.agent.serial;

import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.io.Input;

/**
 * Kryo's safe (array, not {@code Unsafe}) input over one entry's bytes, which checks every length
 * it is given against the bytes that remain before it allocates: Kryo's own {@code Input} makes the
 * array first, so a planted length of 2^31 would allocate gigabytes before the read ran out of
 * bytes. Every element of a string or primitive array takes at least one byte (ints and longs), or
 * exactly its width.
 */
final class KryoInput extends Input {
  /** Above this, the scratch buffer of characters is dropped after the string that grew it. */
  private static final int KEPT_CHARS = 4096;

  KryoInput() {
    super(0);
  }

  /** Reads from {@code length} bytes of {@code data}, from {@code offset}. */
  void reset(byte[] data, int offset, int length) {
    setBuffer(data, offset, length);
  }

  /** Whether every byte was read. */
  boolean atEnd() {
    return position == limit;
  }

  int remaining() {
    return limit - position;
  }

  /** Drops what one read left behind: the entry's bytes and a grown scratch buffer. */
  void release() {
    buffer = null;
    position = 0;
    limit = 0;
    if (chars.length > KEPT_CHARS) {
      chars = new char[32];
    }
  }

  @Override
  public String readString() {
    int start = position;
    // Kryo marks UTF-8 in the first byte's top bit; an ASCII string ends at its last byte's, so it
    // never reads past the end. UTF-8 gives its length in characters, each one byte at least.
    if (readVarIntFlag()) {
      int count = readVarIntFlag(true); // 0: null, 1: empty, else 1 + the length
      position = start;
      if (count != 0) {
        check(count - 1L, 1, "a string");
      }
    }
    return super.readString();
  }

  @Override
  public byte[] readBytes(int length) {
    check(length, 1, "bytes");
    return super.readBytes(length);
  }

  @Override
  public int[] readInts(int length) {
    check(length, Integer.BYTES, "ints");
    return super.readInts(length);
  }

  @Override
  public int[] readInts(int length, boolean optimizePositive) {
    check(length, 1, "ints");
    return super.readInts(length, optimizePositive);
  }

  @Override
  public long[] readLongs(int length) {
    check(length, Long.BYTES, "longs");
    return super.readLongs(length);
  }

  @Override
  public long[] readLongs(int length, boolean optimizePositive) {
    check(length, 1, "longs");
    return super.readLongs(length, optimizePositive);
  }

  @Override
  public float[] readFloats(int length) {
    check(length, Float.BYTES, "floats");
    return super.readFloats(length);
  }

  @Override
  public double[] readDoubles(int length) {
    check(length, Double.BYTES, "doubles");
    return super.readDoubles(length);
  }

  @Override
  public short[] readShorts(int length) {
    check(length, Short.BYTES, "shorts");
    return super.readShorts(length);
  }

  @Override
  public char[] readChars(int length) {
    check(length, Character.BYTES, "chars");
    return super.readChars(length);
  }

  @Override
  public boolean[] readBooleans(int length) {
    check(length, 1, "booleans");
    return super.readBooleans(length);
  }

  private void check(long count, int bytesEach, String what) {
    if (count < 0 || count * bytesEach > limit - position) {
      throw new KryoException(
          "truncated: "
              + count
              + " "
              + what
              + " at offset "
              + position
              + ", but only "
              + (limit - position)
              + " bytes remain");
    }
  }
}
