package io.depcache.agent.instrument;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * What a class file says that decides whether it can matter to depcache: whether its constant pool
 * names {@code Lio/depcache/DepCached;} or {@code Lio/depcache/Invalidates;} (every annotated
 * method puts one there), and its direct supertypes in the class file's form ({@code
 * com/example/Repo}). It walks the constant pool and nothing else, so that deciding "not ours"
 * never needs a parser.
 *
 * @param annotated whether a depcache annotation is named
 * @param isFinal whether the class is final, so that no class extends it
 * @param supertypes the superclass (absent for {@code java/lang/Object}) and the interfaces
 */
record ClassHeader(boolean annotated, boolean isFinal, List<String> supertypes) {
  private static final byte[] DEP_CACHED =
      "Lio/depcache/DepCached;".getBytes(StandardCharsets.UTF_8);
  private static final byte[] INVALIDATES =
      "Lio/depcache/Invalidates;".getBytes(StandardCharsets.UTF_8);

  /**
   * Reads the header of a class file.
   *
   * @throws IllegalArgumentException when the bytes are not a class file this code understands
   */
  static ClassHeader read(byte[] b) {
    if (b.length < 10 || u4(b, 0) != 0xCAFEBABE) {
      throw new IllegalArgumentException("not a class file");
    }
    int count = u2(b, 8);
    int[] offsets = new int[count];
    boolean annotated = false;
    int at = 10;
    for (int i = 1; i < count; i++) {
      offsets[i] = at;
      int tag = b[at] & 0xFF;
      switch (tag) {
        case 1 -> {
          int length = u2(b, at + 1);
          if ((length == DEP_CACHED.length && equal(b, at + 3, DEP_CACHED))
              || (length == INVALIDATES.length && equal(b, at + 3, INVALIDATES))) {
            annotated = true;
          }
          at += 3 + length;
        }
        case 7, 8, 16, 19, 20 -> at += 3;
        case 15 -> at += 4;
        case 3, 4, 9, 10, 11, 12, 17, 18 -> at += 5;
        case 5, 6 -> {
          at += 9;
          i++; // eight-byte constants take two slots
        }
        default -> throw new IllegalArgumentException("constant pool tag " + tag);
      }
    }
    boolean isFinal = (u2(b, at) & 0x0010) != 0;
    at += 4; // access flags, this class
    List<String> names = new ArrayList<>();
    int superIndex = u2(b, at);
    if (superIndex != 0) {
      names.add(className(b, offsets, superIndex));
    }
    int interfaces = u2(b, at + 2);
    for (int i = 0; i < interfaces; i++) {
      names.add(className(b, offsets, u2(b, at + 4 + 2 * i)));
    }
    return new ClassHeader(annotated, isFinal, names);
  }

  private static String className(byte[] b, int[] offsets, int classIndex) {
    int classAt = offsets[classIndex];
    if ((b[classAt] & 0xFF) != 7) {
      throw new IllegalArgumentException("not a class constant");
    }
    int utf8At = offsets[u2(b, classAt + 1)];
    int length = u2(b, utf8At + 1);
    // class names are ASCII in practice; modified UTF-8 decodes the rest well enough to compare
    return new String(b, utf8At + 3, length, StandardCharsets.UTF_8);
  }

  private static boolean equal(byte[] b, int at, byte[] expected) {
    if (at + expected.length > b.length) {
      return false;
    }
    for (int i = 0; i < expected.length; i++) {
      if (b[at + i] != expected[i]) {
        return false;
      }
    }
    return true;
  }

  private static int u2(byte[] b, int at) {
    return ((b[at] & 0xFF) << 8) | (b[at + 1] & 0xFF);
  }

  private static int u4(byte[] b, int at) {
    return (u2(b, at) << 16) | u2(b, at + 2);
  }
}
