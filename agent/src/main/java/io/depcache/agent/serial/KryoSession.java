package io.depcache.agent.serial;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;

/**
 * One Kryo instance of the {@code kryo} serializer with its buffers, used by one thread at a time,
 * and the bounds of the value it is reading or writing.
 *
 * <p>Every object Kryo reads or writes passes through the methods below, which count the nesting
 * depth ({@value AllowList#MAX_DEPTH} levels at most, as the {@code java} serializer allows) and,
 * while reading, the {@link ReadingTime} budget. Containers announce their size to {@link
 * #elements} before they are made. Shared references are off: an object reachable twice is written
 * twice, so bytes cannot describe a graph larger than themselves (the nested-set bombs that JDK
 * serialization needs {@link StreamExpansion} against are inexpressible), and a cycle, which would
 * nest without end, is refused at the depth limit when written.
 */
final class KryoSession extends Kryo {
  /** Collection, map and array elements allowed per byte of value, as for {@code java}. */
  private static final long ELEMENTS_PER_BYTE = 8;

  private static final long ELEMENTS_SLACK = 1024;

  /** Most values are small DTOs; a buffer grown past this is not kept for the next value. */
  private static final int INITIAL_BUFFER = 512;

  private static final int KEPT_BUFFER = 64 * 1024;

  private final KryoInput input = new KryoInput();
  private final Output output = new Output(INITIAL_BUFFER, -1);
  private int depth;
  private ClassLoader loader;
  private ReadingTime time;
  private int length;
  private long elements;
  private long elementBudget;

  KryoSession(AllowList allowList) {
    super(new KryoClassResolver(allowList), null);
    setRegistrationRequired(true);
    setReferences(false);
    setWarnUnregisteredClasses(false);
    setInstantiatorStrategy(new KryoInstantiators());
    // Kryo's own limit, behind the count below, which refuses first with a better message
    setMaxDepth(AllowList.MAX_DEPTH + 2);
  }

  static KryoSession of(Kryo kryo) {
    return (KryoSession) kryo;
  }

  /**
   * Writes a value: the format byte, then the value with its class.
   *
   * @throws KryoException or {@link KryoRefusal} when it cannot
   */
  byte[] write(Object value, int maxBytes) {
    depth = 0;
    byte[] buffer = output.getBuffer();
    // stops at the limit: past it, Output throws instead of growing
    output.setBuffer(buffer, Math.max(maxBytes, buffer.length));
    try {
      output.writeByte(KryoSerializer.FORMAT);
      writeClassAndObject(output, value);
      if (output.position() > maxBytes) {
        throw ValueLimit.tooLarge(value, maxBytes);
      }
      return output.toBytes();
    } finally {
      if (output.getBuffer().length > KEPT_BUFFER) {
        output.setBuffer(new byte[INITIAL_BUFFER], -1);
      }
    }
  }

  /**
   * Reads a value that {@link #write} wrote, to its last byte.
   *
   * @throws KryoException or {@link KryoRefusal} when it cannot
   */
  Object read(byte[] data, int offset, int length, ClassLoader loader) {
    depth = 0;
    this.loader = loader;
    this.length = length;
    time = new ReadingTime(length);
    elements = 0;
    elementBudget = ELEMENTS_PER_BYTE * length + ELEMENTS_SLACK;
    input.reset(data, offset, length);
    try {
      if (length == 0 || input.readByte() != KryoSerializer.FORMAT) {
        throw new KryoRefusal(
            "not a value of the kryo format " + KryoSerializer.FORMAT + " (first byte)");
      }
      Object value = readClassAndObject(input);
      if (!input.atEnd()) {
        throw new KryoException(input.remaining() + " bytes after the value");
      }
      return value;
    } finally {
      input.release();
      this.loader = null;
      time = null;
      reset();
    }
  }

  /** The class loader of the value being read: the cached method's; {@code null}, the JDK's. */
  ClassLoader loader() {
    return loader;
  }

  /**
   * Counts the elements a container announces before it is made.
   *
   * @throws KryoRefusal when the value's bytes could not hold them
   */
  void elements(long count) {
    elements += count;
    if (count < 0 || elements > elementBudget) {
      throw new KryoRefusal(
          "collections, maps and arrays of "
              + elements
              + " elements in all cannot come from a value of "
              + length
              + " bytes");
    }
  }

  private void enter() {
    if (++depth > AllowList.MAX_DEPTH) {
      throw new KryoRefusal(
          "nesting depth " + depth + " exceeds the limit of " + AllowList.MAX_DEPTH);
    }
    if (time != null) {
      String why = time.check();
      if (why != null) {
        throw new KryoRefusal(why);
      }
    }
  }

  @Override
  @SuppressWarnings({"rawtypes", "unchecked"})
  public Serializer getDefaultSerializer(Class type) {
    return KryoTypes.serializer(this, type);
  }

  @Override
  public <T> T readObject(Input in, Class<T> type) {
    enter();
    try {
      return super.readObject(in, type);
    } finally {
      depth--;
    }
  }

  @Override
  @SuppressWarnings("rawtypes")
  public <T> T readObject(Input in, Class<T> type, Serializer serializer) {
    enter();
    try {
      return super.readObject(in, type, serializer);
    } finally {
      depth--;
    }
  }

  @Override
  public <T> T readObjectOrNull(Input in, Class<T> type) {
    enter();
    try {
      return super.readObjectOrNull(in, type);
    } finally {
      depth--;
    }
  }

  @Override
  @SuppressWarnings("rawtypes")
  public <T> T readObjectOrNull(Input in, Class<T> type, Serializer serializer) {
    enter();
    try {
      return super.readObjectOrNull(in, type, serializer);
    } finally {
      depth--;
    }
  }

  @Override
  public Object readClassAndObject(Input in) {
    enter();
    try {
      return super.readClassAndObject(in);
    } finally {
      depth--;
    }
  }

  @Override
  public void writeObject(Output out, Object object) {
    enter();
    try {
      super.writeObject(out, object);
    } finally {
      depth--;
    }
  }

  @Override
  @SuppressWarnings("rawtypes")
  public void writeObject(Output out, Object object, Serializer serializer) {
    enter();
    try {
      super.writeObject(out, object, serializer);
    } finally {
      depth--;
    }
  }

  @Override
  @SuppressWarnings("rawtypes")
  public void writeObjectOrNull(Output out, Object object, Class type) {
    enter();
    try {
      super.writeObjectOrNull(out, object, type);
    } finally {
      depth--;
    }
  }

  @Override
  @SuppressWarnings("rawtypes")
  public void writeObjectOrNull(Output out, Object object, Serializer serializer) {
    enter();
    try {
      super.writeObjectOrNull(out, object, serializer);
    } finally {
      depth--;
    }
  }

  @Override
  public void writeClassAndObject(Output out, Object object) {
    enter();
    try {
      super.writeClassAndObject(out, object);
    } finally {
      depth--;
    }
  }
}
