package io.depcache.agent.serial;

import static java.io.ObjectStreamConstants.SC_BLOCK_DATA;
import static java.io.ObjectStreamConstants.SC_EXTERNALIZABLE;
import static java.io.ObjectStreamConstants.SC_SERIALIZABLE;
import static java.io.ObjectStreamConstants.SC_WRITE_METHOD;
import static java.io.ObjectStreamConstants.STREAM_MAGIC;
import static java.io.ObjectStreamConstants.STREAM_VERSION;
import static java.io.ObjectStreamConstants.TC_ARRAY;
import static java.io.ObjectStreamConstants.TC_BLOCKDATA;
import static java.io.ObjectStreamConstants.TC_BLOCKDATALONG;
import static java.io.ObjectStreamConstants.TC_CLASS;
import static java.io.ObjectStreamConstants.TC_CLASSDESC;
import static java.io.ObjectStreamConstants.TC_ENDBLOCKDATA;
import static java.io.ObjectStreamConstants.TC_ENUM;
import static java.io.ObjectStreamConstants.TC_EXCEPTION;
import static java.io.ObjectStreamConstants.TC_LONGSTRING;
import static java.io.ObjectStreamConstants.TC_NULL;
import static java.io.ObjectStreamConstants.TC_OBJECT;
import static java.io.ObjectStreamConstants.TC_REFERENCE;
import static java.io.ObjectStreamConstants.TC_RESET;
import static java.io.ObjectStreamConstants.TC_STRING;

import io.depcache.agent.serial.StreamHandles.Desc;
import java.util.Arrays;

/**
 * A pass over the bytes of a serialized value, before any object exists, that bounds the work hash
 * codes can do while the value is read.
 *
 * <p>Reading a {@code HashSet} or a {@code HashMap} hashes every element, and an element's hash
 * code visits everything the element holds. The stream shares objects by reference, so two
 * kilobytes can describe sets nested 40 deep that each hold the same two sets of the next level,
 * whose hash code visits 2^40 sets (the "SerialDOS" bomb); fewer levels that each hold more sets,
 * and records or maps instead of sets, do the same. The pass follows the grammar of the stream
 * (Java Object Serialization Specification, section 6.4) and gives each object an
 * <em>expansion</em>: one, plus the expansion of each object it references, an object referenced
 * twice counted twice, a primitive array one per {@value #ELEMENTS_PER_VISIT} elements. Hashing an
 * object visits at most its expansion, so the pass adds up, over every reference in the stream,
 * what the referenced object expands to beyond itself, and refuses the value when the sum exceeds
 * {@link #EXPANSION_FLOOR} and {@link #EXPANSION_PER_OBJECT} per object read so far.
 *
 * <p>A reference back to an object that is still being read (a cycle: parent links, graphs) counts
 * what of that object is visible at that point: nothing of the fields being read (the reader sets
 * them all when they are read), all of what a {@code readObject} method or an array has read. A
 * reference back into a {@code java.util} collection or map that is still being read is refused:
 * the collection contains itself, and hashing it recurses until the stack overflows, repeating on
 * the way everything it holds.
 *
 * <p>Where the bytes break the grammar (truncated, an unknown code, a reset inside an object, a
 * proxy class) the pass stops and leaves the reader to fail at the same place, after work that the
 * pass has bounded; the reader's message then tells what is wrong. Externalizable data written
 * without block data (stream protocol 1, which {@link JavaSerializer} never writes) is refused,
 * since only the class knows where it ends.
 */
final class StreamExpansion {
  /**
   * How much hashing may visit in any value: 16 to 30 ms of reading on the machine that measured
   * it, where bombs cost 16 to 29 ns per element they expand to. The nested set bomb reaches it at
   * 17 levels. Legitimate values of a few hundred kilobytes stay far below: an order with 200 lines
   * 6,000, a list of 10,000 records 10,000, a category tree 8 levels deep with 3 children each
   * (9,800 objects) 125,000.
   */
  static final long EXPANSION_FLOOR = 1_000_000L;

  /**
   * How much more hashing may visit per object of the stream (each handle: an object, a string, a
   * class descriptor), so that big values may be deep. A value without shared parts expands to its
   * size times its depth at most, and legitimate ones average below 16 levels: the category tree 8
   * levels deep with 5 children each (4.3 MB, 293,000 objects) expands to 3.9 million. Hashing then
   * costs about what reading the objects costs.
   */
  static final long EXPANSION_PER_OBJECT = 16;

  /** Hashing a primitive element costs a small fraction of visiting an object. */
  private static final int ELEMENTS_PER_VISIT = 16;

  /**
   * Past this depth the reader has already refused the value ({@link AllowList#MAX_DEPTH}); twice
   * that, so that the pass never stops first.
   */
  private static final int MAX_PASS_DEPTH = 2 * AllowList.MAX_DEPTH;

  private final StreamBytes in;
  private final StreamHandles handles = new StreamHandles();
  private long expansion;
  private String rejection;

  /**
   * The objects being read, by depth: what of them is visible, and what their current class's
   * fields have read so far.
   */
  private long[] visible = new long[16];

  private long[] pending = new long[16];
  private Desc[] frameDescs = new Desc[16];

  private StreamExpansion(byte[] data, int offset, int length) {
    this.in = new StreamBytes(data, offset, length);
  }

  /**
   * Says why a serialized value cannot be read within the bound.
   *
   * @param data the bytes
   * @param offset where the stream starts
   * @param length its length
   * @return {@code null} when it stays within the bound or breaks the grammar (the reader then
   *     fails), else a message that names the limit
   */
  static String rejection(byte[] data, int offset, int length) {
    return run(data, offset, length).rejection;
  }

  /**
   * Measures a serialized value.
   *
   * @param data the bytes of one stream
   * @return the sum that the limits bound, or the first sum above them
   */
  static long expansion(byte[] data) {
    return run(data, 0, data.length).expansion;
  }

  private static StreamExpansion run(byte[] data, int offset, int length) {
    StreamExpansion pass = new StreamExpansion(data, offset, length);
    try {
      pass.stream();
    } catch (StreamBytes.Stop stop) {
      // wherever it stopped, rejection says whether the value is refused
    }
    return pass;
  }

  private void stream() {
    if (in.u2() != (STREAM_MAGIC & 0xFFFF) || in.u2() != STREAM_VERSION) {
      throw StreamBytes.STOP;
    }
    while (in.at(TC_RESET)) {
      in.skip(1);
      handles.clear();
    }
    value(1);
  }

  /** Reads one value at a depth of the reader's count and returns its expansion (0 for null). */
  private long value(int depth) {
    if (depth > MAX_PASS_DEPTH) {
      throw StreamBytes.STOP;
    }
    switch (in.u1()) {
      case TC_NULL:
        return 0;
      case TC_REFERENCE:
        return reference();
      case TC_STRING:
        in.skip(in.u2());
        return leaf();
      case TC_LONGSTRING:
        in.skip(in.s8());
        return leaf();
      case TC_CLASS:
        classDesc(depth);
        return leaf();
      case TC_CLASSDESC:
        newClassDesc(depth);
        return 1;
      case TC_ENUM:
        classDesc(depth);
        leaf();
        int tc = in.u1();
        in.skip(tc == TC_STRING ? in.u2() : tc == TC_LONGSTRING ? in.s8() : -1);
        return leaf();
      case TC_ARRAY:
        return array(depth);
      case TC_OBJECT:
        return object(depth);
      case TC_EXCEPTION:
        // the reader reads the exception object, then fails
        handles.clear();
        value(depth + 1);
        throw StreamBytes.STOP;
      default:
        throw StreamBytes.STOP;
    }
  }

  private long reference() {
    int handle = handles.lookup(in.s4());
    if (!handles.isOpen(handle)) {
      return handles.expansion(handle);
    }
    int depth = handles.depth(handle);
    Desc desc = frameDescs[depth];
    if (desc.javaUtil) {
      throw refuse("a " + name(desc) + " contains itself; its hash code would not end");
    }
    return 1 + visible[depth];
  }

  private long object(int depth) {
    Desc desc = classDesc(depth);
    if (desc == null) {
      throw StreamBytes.STOP;
    }
    int handle = open(depth, desc);
    if ((desc.flags & SC_EXTERNALIZABLE) != 0) {
      if ((desc.flags & SC_BLOCK_DATA) == 0) {
        throw refuse(
            "externalizable data of "
                + name(desc)
                + " is not in block data mode (stream protocol 1), so its extent cannot be checked");
      }
      annotation(depth, depth);
    } else {
      slots(desc, depth);
    }
    return close(depth, handle);
  }

  /** The class data of an object: each class's fields, then what its writeObject wrote. */
  private void slots(Desc desc, int depth) {
    if (desc.superDesc != null) {
      slots(desc.superDesc, depth);
    }
    in.skip(desc.primitiveBytes);
    for (int i = 0; i < desc.objectFields; i++) {
      long expanded = slot(value(depth + 1));
      pending[depth] += expanded; // after the value: reading it may have grown the arrays
    }
    visible[depth] += pending[depth];
    pending[depth] = 0;
    if ((desc.flags & SC_WRITE_METHOD) != 0) {
      annotation(depth, depth);
    }
  }

  private long array(int depth) {
    Desc desc = classDesc(depth);
    if (desc == null || desc.elementType == 0) {
      throw StreamBytes.STOP;
    }
    int length = in.s4();
    if (length < 0) {
      throw StreamBytes.STOP;
    }
    int width = width(desc.elementType);
    if (width > 0) {
      in.skip((long) length * width);
      long expanded = 1 + length / ELEMENTS_PER_VISIT;
      handles.read(expanded);
      return expanded;
    }
    int handle = open(depth, desc);
    for (int i = 0; i < length; i++) {
      long expanded = slot(value(depth + 1));
      visible[depth] += expanded;
    }
    return close(depth, handle);
  }

  /** Block data and objects up to the end marker; the objects become visible in frame, if any. */
  private void annotation(int depth, int frame) {
    while (true) {
      int tc = in.peek();
      if (tc == TC_ENDBLOCKDATA) {
        in.skip(1);
        return;
      } else if (tc == TC_BLOCKDATA) {
        in.skip(1);
        in.skip(in.u1());
      } else if (tc == TC_BLOCKDATALONG) {
        in.skip(1);
        in.skip(in.s4());
      } else {
        long expanded = slot(value(depth + 1));
        if (frame >= 0) {
          visible[frame] += expanded;
        }
      }
    }
  }

  private Desc classDesc(int depth) {
    switch (in.u1()) {
      case TC_NULL:
        return null;
      case TC_REFERENCE:
        Desc desc = handles.desc(handles.lookup(in.s4()));
        if (desc == null) {
          throw StreamBytes.STOP;
        }
        return desc;
      case TC_CLASSDESC:
        return newClassDesc(depth);
      default:
        // a proxy class, which the reader refuses as soon as it has its interfaces, or garbage
        throw StreamBytes.STOP;
    }
  }

  private Desc newClassDesc(int depth) {
    int nameLength = in.u2();
    int nameAt = in.position();
    in.skip(nameLength + (long) Long.BYTES);
    int handle = handles.openDesc();
    int flags = in.u1();
    int fields = in.s2();
    if (fields < 0 || ((flags & SC_SERIALIZABLE) != 0 && (flags & SC_EXTERNALIZABLE) != 0)) {
      throw StreamBytes.STOP;
    }
    int primitiveBytes = 0;
    int objectFields = 0;
    for (int i = 0; i < fields; i++) {
      int type = in.u1();
      in.skip(in.u2());
      if (type == 'L' || type == '[') {
        objectFields++;
        typeName();
      } else if (width(type) > 0) {
        primitiveBytes += width(type);
      } else {
        throw StreamBytes.STOP;
      }
    }
    annotation(depth, -1);
    Desc desc =
        new Desc(in, nameAt, nameLength, flags, primitiveBytes, objectFields, classDesc(depth));
    if (desc.chainLength > AllowList.MAX_DEPTH) {
      throw refuse(
          "class "
              + name(desc)
              + " has more than "
              + AllowList.MAX_DEPTH
              + " serializable superclasses");
    }
    handles.describe(handle, desc);
    return desc;
  }

  private void typeName() {
    switch (in.u1()) {
      case TC_STRING:
        in.skip(in.u2());
        leaf();
        break;
      case TC_LONGSTRING:
        in.skip(in.s8());
        leaf();
        break;
      case TC_REFERENCE:
        handles.lookup(in.s4());
        break;
      default:
        throw StreamBytes.STOP;
    }
  }

  /** Counts what a reference adds beyond the referenced object itself. */
  private long slot(long expanded) {
    if (expanded > 1) {
      expansion += expanded - 1;
      long allowed = Math.max(EXPANSION_FLOOR, EXPANSION_PER_OBJECT * handles.count());
      if (expansion > allowed) {
        throw refuse(
            "shared and nested references expand to "
                + expansion
                + " elements, more than the "
                + allowed
                + " allowed for "
                + handles.count()
                + " objects");
      }
    }
    return expanded;
  }

  private int open(int depth, Desc desc) {
    if (depth >= visible.length) {
      int length = Math.max(depth + 1, visible.length * 2);
      visible = Arrays.copyOf(visible, length);
      pending = Arrays.copyOf(pending, length);
      frameDescs = Arrays.copyOf(frameDescs, length);
    }
    visible[depth] = 0;
    pending[depth] = 0;
    frameDescs[depth] = desc;
    return handles.open(depth);
  }

  private long close(int depth, int handle) {
    long expanded = 1 + visible[depth] + pending[depth];
    handles.close(handle, expanded);
    return expanded;
  }

  /** Assigns a handle to a string, a class or an enum constant, whose expansion is one. */
  private long leaf() {
    handles.read(1);
    return 1;
  }

  private RuntimeException refuse(String why) {
    rejection = why;
    return StreamBytes.STOP;
  }

  private String name(Desc desc) {
    return in.string(desc.nameAt, desc.nameLength);
  }

  private static int width(int type) {
    switch (type) {
      case 'B':
      case 'Z':
        return 1;
      case 'C':
      case 'S':
        return 2;
      case 'I':
      case 'F':
        return 4;
      case 'J':
      case 'D':
        return 8;
      default:
        return 0;
    }
  }
}
