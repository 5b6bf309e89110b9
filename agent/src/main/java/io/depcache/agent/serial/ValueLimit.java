package io.depcache.agent.serial;

import java.io.ByteArrayOutputStream;

/**
 * A byte buffer that refuses to grow past a limit, so that a huge value is never buffered whole.
 */
final class ValueLimit extends ByteArrayOutputStream {
  private final int maxBytes;
  private final Object value;

  ValueLimit(int initialSize, int maxBytes, Object value) {
    super(Math.min(initialSize, maxBytes));
    this.maxBytes = maxBytes;
    this.value = value;
  }

  static ValueTooLargeException tooLarge(Object value, int maxBytes) {
    return new ValueTooLargeException(
        "a value of type "
            + value.getClass().getName()
            + " takes more than "
            + maxBytes
            + " bytes (depcache.max-entry-bytes)");
  }

  @Override
  public synchronized void write(int b) {
    if (count + 1 > maxBytes) {
      throw tooLarge(value, maxBytes);
    }
    super.write(b);
  }

  @Override
  public synchronized void write(byte[] b, int off, int len) {
    if ((long) count + len > maxBytes) {
      throw tooLarge(value, maxBytes);
    }
    super.write(b, off, len);
  }
}
