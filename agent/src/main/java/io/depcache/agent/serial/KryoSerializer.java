package io.depcache.agent.serial;

import com.esotericsoftware.kryo.io.KryoBufferOverflowException;
import com.esotericsoftware.kryo.io.KryoBufferUnderflowException;
import com.esotericsoftware.kryo.util.Pool;

/**
 * Kryo 5 behind the {@link AllowList}: the serializer named {@code kryo}.
 *
 * <p>Registration is required, and registrations come from the allowlist: a class is registered the
 * first time a value holds it, if the list permits it, and a value holding any other class is
 * refused when written (the call runs uncached) and when read (a miss), the class's name checked
 * before it is loaded. Classes are written by name, never by a registration number, so an entry
 * reads the same in every JVM whatever order they met the classes in; an application class's name
 * carries a fingerprint of its fields, so an entry written before the class changed is a miss.
 * {@link KryoTypes} says which classes it can cache and how; {@link KryoClassResolver} how names
 * are written and checked; {@link KryoSession} how reading is bounded (depth, elements per byte,
 * {@link ReadingTime}); {@link KryoInput} that no length is believed before the bytes are there.
 *
 * <p>Kryo reads and writes fields by reflection and its safe (array) input and output, never
 * through {@code sun.misc.Unsafe}; the agent jar does not even carry Kryo's Unsafe classes.
 *
 * <p>A Kryo instance serves one thread at a time: instances are kept in a pool of at most {@link
 * #POOLED} idle ones (held softly, so memory pressure can take them back), created when none is
 * free, and one that failed on a value is dropped rather than reused.
 */
public final class KryoSerializer implements Serializer {
  /** The entry code of the serializer, beside {@code java}'s 0. */
  public static final int CODE = 1;

  /** The first byte of every value: a change of the format, or of Kryo, gets a new one. */
  static final byte FORMAT = 1;

  /** Idle instances kept: a burst of more threads creates more, which are then dropped. */
  static final int POOLED = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());

  private final Pool<KryoSession> pool;

  /**
   * Creates a serializer.
   *
   * @param allowList the classes it may write and read back; later additions take effect at once
   */
  public KryoSerializer(AllowList allowList) {
    this.pool =
        new Pool<>(true, true, POOLED) {
          @Override
          protected KryoSession create() {
            return new KryoSession(allowList);
          }
        };
  }

  @Override
  public String name() {
    return "kryo";
  }

  @Override
  public int code() {
    return CODE;
  }

  @Override
  public byte[] serialize(Object value) {
    return serialize(value, EntryCodec.NO_SIZE_LIMIT);
  }

  @Override
  public byte[] serialize(Object value, int maxBytes) {
    KryoSession kryo = pool.obtain();
    boolean clean = false;
    try {
      byte[] bytes = kryo.write(value, maxBytes);
      clean = true;
      return bytes;
    } catch (ValueTooLargeException e) {
      throw e;
    } catch (RuntimeException | StackOverflowError e) {
      if (find(e, KryoBufferOverflowException.class) != null) {
        throw ValueLimit.tooLarge(value, maxBytes);
      }
      KryoRefusal refusal = KryoRefusal.in(e);
      throw new NotSerializableValueException(
          "a value of type "
              + value.getClass().getName()
              + " cannot be cached with depcache.serializer=kryo: "
              + (refusal != null ? refusal.getMessage() : e.toString()),
          e);
    } finally {
      if (clean) {
        pool.free(kryo);
      }
    }
  }

  @Override
  public Object deserialize(byte[] data, ClassLoader loader) {
    return deserialize(data, 0, data.length, loader);
  }

  @Override
  public Object deserialize(byte[] data, int offset, int length, ClassLoader loader) {
    KryoSession kryo = pool.obtain();
    boolean clean = false;
    try {
      Object value = kryo.read(data, offset, length, loader);
      clean = true;
      return value;
    } catch (RuntimeException | LinkageError | StackOverflowError e) {
      KryoRefusal refusal = KryoRefusal.in(e);
      if (refusal != null) {
        throw new CorruptEntryException(refusal.getMessage(), e);
      }
      if (find(e, KryoBufferUnderflowException.class) != null) {
        throw new CorruptEntryException("cached value is corrupt or truncated: " + e, e);
      }
      throw new CorruptEntryException("cached value cannot be read: " + e, e);
    } finally {
      if (clean) {
        pool.free(kryo);
      }
    }
  }

  /** How many instances are idle in the pool, for tests. */
  int idle() {
    return pool.getFree();
  }

  private static <T extends Throwable> T find(Throwable e, Class<T> type) {
    Throwable t = e;
    for (int i = 0; t != null && i < 64; i++, t = t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    return null;
  }
}
