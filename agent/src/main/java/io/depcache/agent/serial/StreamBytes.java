package io.depcache.agent.serial;

import static java.nio.charset.StandardCharsets.UTF_8;

/**
 * The bytes of a serialized stream, read in order by {@link StreamExpansion}: every read checks the
 * end first and, past it, throws {@link #STOP} instead of an exception with a stack trace.
 */
final class StreamBytes {
  /** Ends a pass over the stream: at its end, at a break in the grammar, or at a refusal. */
  static final Stop STOP = new Stop();

  private final byte[] data;
  private final int end;
  private int pos;

  StreamBytes(byte[] data, int offset, int length) {
    this.data = data;
    this.pos = offset;
    this.end = offset + length;
  }

  int position() {
    return pos;
  }

  byte byteAt(int at) {
    return data[at];
  }

  /** Tells whether the next byte is a code, without reading it. */
  boolean at(int code) {
    return pos < end && data[pos] == (byte) code;
  }

  int peek() {
    if (pos >= end) {
      throw STOP;
    }
    return data[pos] & 0xFF;
  }

  int u1() {
    int b = peek();
    pos++;
    return b;
  }

  int u2() {
    if (end - pos < 2) {
      throw STOP;
    }
    int v = (data[pos] & 0xFF) << 8 | data[pos + 1] & 0xFF;
    pos += 2;
    return v;
  }

  int s2() {
    return (short) u2();
  }

  int s4() {
    if (end - pos < 4) {
      throw STOP;
    }
    int v =
        (data[pos] & 0xFF) << 24
            | (data[pos + 1] & 0xFF) << 16
            | (data[pos + 2] & 0xFF) << 8
            | data[pos + 3] & 0xFF;
    pos += 4;
    return v;
  }

  long s8() {
    return ((long) s4() << 32) | (s4() & 0xFFFFFFFFL);
  }

  /** Skips n bytes; a negative count, as a forged length gives, is a break too. */
  void skip(long n) {
    if (n < 0 || n > end - pos) {
      throw STOP;
    }
    pos += (int) n;
  }

  /** Tells whether the bytes at a position start with an ASCII prefix. */
  boolean startsWith(int at, int length, String prefix) {
    if (length < prefix.length()) {
      return false;
    }
    for (int i = 0; i < prefix.length(); i++) {
      if (data[at + i] != prefix.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /** A class name of the stream, for a message; modified UTF-8 is UTF-8 for any real name. */
  String string(int at, int length) {
    return new String(data, at, length, UTF_8);
  }

  /** Thrown without a stack trace: it only carries a pass back to where it started. */
  static final class Stop extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private Stop() {
      super(null, null, false, false);
    }
  }
}
