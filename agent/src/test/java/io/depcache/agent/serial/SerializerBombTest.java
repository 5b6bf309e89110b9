package io.depcache.agent.serial;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Values built to make reading take exponential time, from classes the allowlist permits, so that
 * only the bounds can stop them.
 *
 * <p>For {@code java} each is written by a plain {@code ObjectOutputStream}, as a forger would, and
 * reading refuses it: unbounded, the set bomb of 23 levels takes about 700 ms and each level
 * doubles it. For {@code kryo}, which keeps no shared references, the bytes of a bomb are its whole
 * expansion: writing stops at the entry limit (or at the depth limit, for the chain and the
 * cycles), so no entry can hold one, and no bytes can describe more objects than they have bytes.
 */
@ParameterizedClass
@EnumSource(Formats.class)
class SerializerBombTest {
  private static final ClassLoader LOADER = SerializerBombTest.class.getClassLoader();

  /** {@code depcache.max-entry-bytes} by default. */
  private static final int MAX_ENTRY_BYTES = 8 * 1024 * 1024;

  /**
   * Writing stops at the limit, after 8 MiB of output: 0.1 to 1.6 s here alone, 6.3 s once in a
   * full test run beside three other builds on two cores. The bound proves that writing stops, not
   * how fast: the time is the value's own (an application that returns it pays as much to build
   * it), and the benchmarks measure speed.
   */
  private static final Duration WRITING_STOPS = Duration.ofSeconds(30);

  /** Generous: refused entries take well under a millisecond; this only proves there is no hang. */
  private static final Duration NO_HANG = Duration.ofSeconds(2);

  private static final String EXPANSION = "shared and nested references expand to ";
  private static final String TOO_LARGE =
      "takes more than 8388608 bytes (depcache.max-entry-bytes)";
  private static final String TOO_DEEP = "nesting depth 65 exceeds the limit of 64";

  @Parameter Formats format;

  private final AllowList allowList = new AllowList();
  private Serializer serializer;

  /** A record that shares both children: its hash code visits 2^depth records. */
  record Pair(Object left, Object right) implements Serializable {}

  /** A hand-made linked list, which the stream nests one level per node. */
  static final class Link implements Serializable {
    private static final long serialVersionUID = 1L;
    Link next;
  }

  /** A hash code over its children, as Lombok's {@code @Data} or an IDE writes it. */
  static final class Node implements Serializable {
    private static final long serialVersionUID = 1L;
    final List<Object> children = new ArrayList<>();

    @Override
    public int hashCode() {
      return children.hashCode();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Node n && n.children.equals(children);
    }
  }

  @BeforeEach
  void allowTheBombsClasses() {
    allowList.allow("io.depcache.agent.serial.*");
    serializer = format.create(allowList);
  }

  /**
   * The message that refuses a bomb built of sharing: expansion when read, or size when written.
   */
  private String unbounded() {
    return format == Formats.JAVA ? EXPANSION : TOO_LARGE;
  }

  @ParameterizedTest
  @ValueSource(ints = {20, 23, 30, 40})
  void nestedSetBombIsRefused(int depth) throws IOException {
    // each level holds the two sets of the next, so hashing the root visits 2^depth sets
    Set<Object> root = new HashSet<>();
    Set<Object> s1 = root;
    Set<Object> s2 = new HashSet<>();
    for (int i = 0; i < depth; i++) {
      Set<Object> t1 = new HashSet<>();
      Set<Object> t2 = new HashSet<>();
      t1.add("foo");
      s1.add(t1);
      s1.add(t2);
      s2.add(t1);
      s2.add(t2);
      s1 = t1;
      s2 = t2;
    }
    if (format == Formats.JAVA) {
      assertThat(write(root).length).isLessThan(2500);
      assertRefused(root).hasMessageStartingWith(EXPANSION).hasMessageContaining("allowed for");
    } else {
      assertRefused(root).hasMessageEndingWith(TOO_LARGE);
    }
  }

  @Test
  void mapKeyedBombIsRefused() throws IOException {
    Map<Object, Object> root = new HashMap<>();
    Map<Object, Object> m1 = root;
    Map<Object, Object> m2 = new HashMap<>();
    for (int i = 0; i < 40; i++) {
      Map<Object, Object> t1 = new HashMap<>();
      Map<Object, Object> t2 = new HashMap<>();
      t1.put("foo", "bar");
      m1.put(t1, "x");
      m1.put(t2, "y");
      m2.put(t1, "x");
      m2.put(t2, "y");
      m1 = t1;
      m2 = t2;
    }

    assertRefused(root).hasMessageContaining(unbounded());
  }

  @Test
  void wideBombThatNestsOnlySixDeepIsRefused() throws IOException {
    // 20 sets per level, each holding the 20 of the next: 20^5 visits; no depth limit sees it
    Set<Object> root = new HashSet<>();
    List<Set<Object>> level = List.of(root);
    for (int d = 0; d < 5; d++) {
      List<Set<Object>> next = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        Set<Object> s = new HashSet<>();
        s.add(d * 100 + i);
        next.add(s);
      }
      for (Set<Object> s : level) {
        s.addAll(next);
      }
      level = next;
    }

    assertRefused(root).hasMessageContaining(unbounded());
  }

  @Test
  void recordBombIsRefused() throws IOException {
    Object node = "leaf";
    for (int i = 0; i < 40; i++) {
      node = new Pair(node, node);
    }
    // records cannot be filled after they are added to a set, so the set is written with a
    // stand-in that the stream replaces: hashing the records here would hang the test itself
    Object standIn = new Object();
    Set<Object> set = new HashSet<>(Set.of(standIn));

    assertRefused(set, standIn, node).hasMessageContaining(unbounded());
  }

  @Test
  void sharedBigNumberIsRefused() throws IOException {
    // BigInteger's hash code reads its whole magnitude each time: a 64 KB number, 1000 times
    byte[] magnitude = new byte[64 * 1024];
    magnitude[0] = 1;
    BigInteger big = new BigInteger(magnitude);
    List<Object> list = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      list.add(big);
    }
    Set<Object> set = new HashSet<>(Set.of(list));

    assertRefused(set).hasMessageContaining(unbounded());
  }

  @Test
  void longLinkedChainIsRefusedByDepth() throws Exception {
    Link head = new Link();
    Link link = head;
    for (int i = 0; i < 100_000; i++) {
      link.next = new Link();
      link = link.next;
    }
    if (format == Formats.JAVA) {
      byte[][] bytes = new byte[1][];
      // the writer recurses once per node too
      Thread writer = new Thread(null, () -> bytes[0] = writeUnchecked(head), "writer", 1L << 28);
      writer.start();
      writer.join();
      assertRefusedBytes(bytes[0]).hasMessage(TOO_DEEP);
    } else {
      assertRefused(head).hasMessageEndingWith(TOO_DEEP);
    }
  }

  @Test
  void setThatContainsItselfIsRefused() throws IOException {
    // hashing it recurses until the stack overflows, hashing the 100,000 numbers at every turn
    Set<Object> set = new HashSet<>();
    List<Object> numbers = new ArrayList<>();
    for (int i = 0; i < 100_000; i++) {
      numbers.add(i);
    }
    set.add(numbers);
    List<Object> back = new ArrayList<>(List.of(set));
    set.add(back);
    Object standIn = new Object();

    assertRefused(new HashSet<>(Set.of(standIn)), standIn, set)
        .hasMessageEndingWith(
            format == Formats.JAVA
                ? "a java.util.HashSet contains itself; its hash code would not end"
                : TOO_DEEP);
  }

  @Test
  void cycleThroughAHashCodeThatRecursesIsACorruptEntry() throws IOException {
    Node root = new Node();
    Node child = new Node();
    root.children.add("x");
    root.children.add(child);
    child.children.add(root);
    Object standIn = new Object();

    assertRefused(new HashSet<>(Set.of(standIn)), standIn, root)
        .hasMessageEndingWith(
            format == Formats.JAVA
                ? "cached value cannot be read: java.lang.StackOverflowError"
                : TOO_DEEP);
  }

  private AbstractThrowableAssert<?, ? extends Throwable> assertRefused(Object value) {
    return assertRefused(value, null, null);
  }

  /**
   * Asserts that a value never reaches a reader: {@code java} refuses its bytes when reading,
   * {@code kryo} refuses to write it (in the stream, {@code replacement} stands where {@code
   * standIn} is in {@code value}; kryo writes the replacement alone).
   */
  private AbstractThrowableAssert<?, ? extends Throwable> assertRefused(
      Object value, Object standIn, Object replacement) {
    if (format == Formats.JAVA) {
      try {
        return assertRefusedBytes(write(value, standIn, replacement));
      } catch (IOException e) {
        throw new AssertionError(e);
      }
    }
    Object written = standIn == null ? value : List.of(replacement);
    Throwable refused =
        assertTimeoutPreemptively(
            WRITING_STOPS,
            () -> {
              try {
                serializer.serialize(written, MAX_ENTRY_BYTES);
                return null;
              } catch (NotSerializableValueException e) {
                return e;
              }
            });
    return assertThat(refused).isInstanceOf(NotSerializableValueException.class);
  }

  private AbstractThrowableAssert<?, ? extends Throwable> assertRefusedBytes(byte[] bytes) {
    Throwable refused =
        assertTimeoutPreemptively(
            NO_HANG,
            () -> {
              try {
                serializer.deserialize(bytes, LOADER);
                return null;
              } catch (CorruptEntryException e) {
                return e;
              }
            });
    return assertThat(refused).isInstanceOf(CorruptEntryException.class);
  }

  private static byte[] write(Object value) throws IOException {
    return write(value, null, null);
  }

  /** Writes a value, putting replacement in the stream wherever standIn is. */
  private static byte[] write(Object value, Object standIn, Object replacement) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new Replacing(bytes, standIn, replacement)) {
      out.writeObject(value);
    }
    return bytes.toByteArray();
  }

  private static byte[] writeUnchecked(Object value) {
    try {
      return write(value);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static final class Replacing extends ObjectOutputStream {
    private final Object standIn;
    private final Object replacement;

    Replacing(ByteArrayOutputStream out, Object standIn, Object replacement) throws IOException {
      super(out);
      this.standIn = standIn;
      this.replacement = replacement;
      enableReplaceObject(standIn != null);
    }

    @Override
    protected Object replaceObject(Object obj) {
      return obj == standIn ? replacement : obj;
    }
  }
}
