package io.depcache.agent.serial;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InvalidClassException;
import java.io.NotSerializableException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * JDK serialization behind an {@link AllowList}: the serializer named {@code java}.
 *
 * <p>Reading resolves classes through the cached method's class loader (the agent's own loader
 * cannot see the application's classes) and refuses, before the class's {@code readObject} or
 * {@code readResolve} can run, any class the allow list does not permit. The check happens twice:
 * when a class name is resolved, so that it holds even if the application installs a serial filter
 * factory that drops stream filters, and in the stream's {@link ObjectInputFilter}, which also
 * bounds depth, references and array sizes. Arrays may hold in all only a few elements more than
 * the stream has bytes (every element takes at least one byte), so a forged length cannot make the
 * reader allocate far more memory than the entry occupies.
 *
 * <p>Before any of that, {@link StreamExpansion} goes over the bytes once and refuses a value whose
 * shared and nested parts would make hash codes visit too much while it is read, the one way a few
 * bytes can take exponential time. A hash code or {@code equals} that recurses through a cycle
 * overflows the stack, which is a corrupt entry too.
 */
public final class JavaSerializer implements Serializer {
  /** The entry code of the serializer: entries written before there were codes carry it too. */
  public static final int CODE = 0;

  /** Most cached values are small DTOs or short lists of them; the buffer doubles when needed. */
  private static final int INITIAL_BUFFER = 512;

  /**
   * Array elements allowed per stream byte. Above one because collections size their hash tables
   * (up to about three slots per element) through the filter as arrays too.
   */
  private static final long ELEMENTS_PER_BYTE = 8;

  private static final long ELEMENTS_SLACK = 1024;

  private final AllowList allowList;

  /**
   * Creates a serializer.
   *
   * @param allowList the classes it may read back; later additions take effect at once
   */
  public JavaSerializer(AllowList allowList) {
    this.allowList = allowList;
    WarmUp.done();
  }

  /**
   * Writes and reads a small value once, on the thread that makes the first serializer (a manager's
   * creation), so that the classes of reading (the bounding pass's among them) are initialised
   * before the first hits: thousands of virtual threads decoding their first hit at once would
   * otherwise wait for one another's class initialisation, each pinning its carrier.
   */
  private static final class WarmUp {
    static {
      try {
        JavaSerializer serializer = new JavaSerializer(new AllowList());
        Map<String, Object> sample = new HashMap<>();
        sample.put("list", new ArrayList<>(List.of("a", 1L, 2)));
        sample.put("text", "warm-up");
        serializer.deserialize(serializer.serialize(sample), JavaSerializer.class.getClassLoader());
      } catch (RuntimeException | LinkageError e) {
        // only a warm-up: the first real read initialises what this did not
      }
    }

    private WarmUp() {}

    static void done() {
      // initialising the class ran the round trip
    }
  }

  @Override
  public String name() {
    return "java";
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
    ValueLimit bytes = new ValueLimit(INITIAL_BUFFER, maxBytes, value);
    ObjectOutputStream out = null;
    try {
      out = new ObjectOutputStream(bytes);
      out.writeObject(value);
      out.flush();
    } catch (ValueTooLargeException e) {
      throw e;
    } catch (NotSerializableException e) {
      // the JDK puts the name of the offending class, alone, in the message
      throw new NotSerializableValueException(
          "a value of type "
              + value.getClass().getName()
              + " cannot be cached: "
              + e.getMessage()
              + " does not implement java.io.Serializable",
          e);
    } catch (IOException | RuntimeException | StackOverflowError e) {
      throw new NotSerializableValueException(
          "a value of type " + value.getClass().getName() + " cannot be serialized: " + e, e);
    }
    // Not closed: closing an in-memory stream does nothing, and a close after an OutOfMemoryError
    // would add the error to itself as suppressed and hide it behind "Self-suppression".
    return bytes.toByteArray();
  }

  @Override
  public Object deserialize(byte[] data, ClassLoader loader) {
    return deserialize(data, 0, data.length, loader);
  }

  @Override
  public Object deserialize(byte[] data, int offset, int length, ClassLoader loader) {
    Input in = null;
    try {
      String unbounded = StreamExpansion.rejection(data, offset, length);
      if (unbounded != null) {
        throw new CorruptEntryException(unbounded);
      }
      in = new Input(new ByteArrayInputStream(data, offset, length), loader, allowList, length);
      return in.readObject();
    } catch (CorruptEntryException e) {
      throw e;
    } catch (IOException
        | ClassNotFoundException
        | RuntimeException
        | LinkageError
        | StackOverflowError e) {
      // a stack overflow: a hash code or equals that recursed through a cycle in the value
      throw corrupt(e, in == null ? null : in.rejection, loader);
    }
  }

  private static CorruptEntryException corrupt(Throwable e, String rejection, ClassLoader loader) {
    if (rejection != null) {
      return new CorruptEntryException(rejection, e);
    }
    if (e instanceof InvalidClassException ice && ice.classname != null) {
      // typically a changed serialVersionUID: the class evolved since the value was cached
      return new CorruptEntryException(
          "class "
              + ice.classname
              + " no longer matches the cached value: "
              + e.getMessage().substring(ice.classname.length() + 2),
          e);
    }
    if (e instanceof ClassNotFoundException) {
      return new CorruptEntryException(
          "class " + e.getMessage() + " of the cached value cannot be found by " + loader, e);
    }
    if (e instanceof IOException) {
      return new CorruptEntryException("cached value is corrupt or truncated: " + e, e);
    }
    return new CorruptEntryException("cached value cannot be read: " + e, e);
  }

  /** An object stream that resolves classes in the cached method's loader, behind the list. */
  private static final class Input extends ObjectInputStream implements ObjectInputFilter {
    private final ClassLoader loader;
    private final AllowList allowList;
    private final int length;
    private final long elementBudget;
    private final ReadingTime time;
    private long elements;
    String rejection;

    Input(InputStream in, ClassLoader loader, AllowList allowList, int length) throws IOException {
      super(in);
      this.loader = loader;
      this.allowList = allowList;
      this.length = length;
      this.elementBudget = ELEMENTS_PER_BYTE * length + ELEMENTS_SLACK;
      this.time = new ReadingTime(length);
      setObjectInputFilter(this);
    }

    @Override
    protected Class<?> resolveClass(ObjectStreamClass desc)
        throws IOException, ClassNotFoundException {
      String name = desc.getName();
      if (!allowList.permits(name)) {
        rejection = AllowList.notAllowed(name);
        throw new InvalidClassException(name, rejection);
      }
      try {
        return Class.forName(name, false, loader);
      } catch (ClassNotFoundException e) {
        // primitives ("int" for int.class) and classes only the default resolution finds
        return super.resolveClass(desc);
      }
    }

    @Override
    protected Class<?> resolveProxyClass(String[] interfaces) throws IOException {
      rejection = "dynamic proxy classes are not allowed for deserialization";
      throw new InvalidClassException(rejection);
    }

    @Override
    public Status checkInput(FilterInfo info) {
      String why = allowList.rejection(info);
      if (why == null) {
        why = time.check();
      }
      if (why == null && info.arrayLength() > 0) {
        elements += info.arrayLength();
        if (elements > elementBudget) {
          why =
              "arrays of "
                  + elements
                  + " elements in all cannot come from a stream of "
                  + length
                  + " bytes";
        }
      }
      if (why != null) {
        rejection = why;
        return Status.REJECTED;
      }
      return Status.ALLOWED;
    }
  }
}
