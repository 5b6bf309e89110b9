package io.depcache.agent.serial;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URLClassLoader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JavaSerializerCorruptionTest {
  private static final ClassLoader LOADER = JavaSerializerCorruptionTest.class.getClassLoader();

  private final AllowList allowList = new AllowList();
  private final JavaSerializer serializer = new JavaSerializer(allowList);

  @TempDir Path tmp;

  private static String versioned(long serialVersionUid, String fieldType, String initial) {
    return "package gen;\n"
        + "public class Versioned implements java.io.Serializable {\n"
        + "  private static final long serialVersionUID = "
        + serialVersionUid
        + "L;\n"
        + "  public "
        + fieldType
        + " x = "
        + initial
        + ";\n"
        + "}\n";
  }

  @Test
  void valueOfAClassOnlyTheMethodsLoaderSeesIsReadThroughThatLoader() throws Exception {
    try (URLClassLoader app =
        GeneratedClasses.compile(tmp, "gen.Versioned", versioned(1, "int", "7"))) {
      Class<?> type = app.loadClass("gen.Versioned");
      byte[] bytes = serializer.serialize(List.of(type.getConstructor().newInstance()));
      allowList.allow("gen.**");

      Object value = ((List<?>) serializer.deserialize(bytes, app)).get(0);

      assertThat(value.getClass()).isSameAs(type);
      assertThat(type.getField("x").get(value)).isEqualTo(7);
      assertThatThrownBy(() -> serializer.deserialize(bytes, LOADER))
          .isInstanceOf(CorruptEntryException.class)
          .hasMessageStartingWith("class gen.Versioned of the cached value cannot be found by");
    }
  }

  @Test
  void changedSerialVersionUidIsACorruptEntry() throws Exception {
    try (URLClassLoader before =
            GeneratedClasses.compile(
                tmp.resolve("before"), "gen.Versioned", versioned(1, "int", "7"));
        URLClassLoader after =
            GeneratedClasses.compile(
                tmp.resolve("after"), "gen.Versioned", versioned(2, "int", "7"))) {
      byte[] bytes =
          serializer.serialize(before.loadClass("gen.Versioned").getConstructor().newInstance());

      assertThatThrownBy(() -> serializer.deserialize(bytes, after))
          .isInstanceOf(CorruptEntryException.class)
          .hasMessageContaining("gen.Versioned is not allowed");

      allowList.allow("gen.Versioned");

      assertThatThrownBy(() -> serializer.deserialize(bytes, after))
          .isInstanceOf(CorruptEntryException.class)
          .hasMessageStartingWith("class gen.Versioned no longer matches the cached value")
          .hasMessageContaining("serialVersionUID = 1")
          .hasMessageContaining("serialVersionUID = 2");
    }
  }

  @Test
  void changedFieldTypeIsACorruptEntry() throws Exception {
    try (URLClassLoader before =
            GeneratedClasses.compile(
                tmp.resolve("before"), "gen.Versioned", versioned(1, "int", "7"));
        URLClassLoader after =
            GeneratedClasses.compile(
                tmp.resolve("after"), "gen.Versioned", versioned(1, "String", "\"7\""))) {
      byte[] bytes =
          serializer.serialize(before.loadClass("gen.Versioned").getConstructor().newInstance());
      allowList.allow("gen.*");

      assertThatThrownBy(() -> serializer.deserialize(bytes, after))
          .isInstanceOf(CorruptEntryException.class)
          .hasMessageContaining("gen.Versioned");
    }
  }

  @Test
  void everyTruncationIsACorruptEntry() {
    byte[] bytes = serializer.serialize(Map.of("k", List.of(1, 2L, "three", 4.0)));

    for (int length = 0; length < bytes.length; length++) {
      byte[] prefix = Arrays.copyOf(bytes, length);
      assertThatThrownBy(() -> serializer.deserialize(prefix, LOADER))
          .as("first %d of %d bytes", length, bytes.length)
          .isInstanceOf(CorruptEntryException.class);
    }
  }

  @Test
  void damagedBytesNeverThrowAnythingButCorruptEntry() {
    byte[] bytes = serializer.serialize(List.of(Map.of("k", new int[] {1, 2}), "s", 3L));

    for (int i = 0; i < bytes.length; i++) {
      for (int mask : new int[] {0x01, 0x80, 0xFF}) {
        byte[] damaged = bytes.clone();
        damaged[i] ^= (byte) mask;
        try {
          serializer.deserialize(damaged, LOADER);
        } catch (CorruptEntryException expected) {
          assertThat(expected.getMessage()).isNotBlank();
        }
      }
    }
  }

  @Test
  void foreignBytesAreACorruptEntry() {
    Random random = new Random(42);
    byte[] noise = new byte[64];
    random.nextBytes(noise);

    for (byte[] bytes :
        List.of(
            new byte[0],
            "hello".getBytes(StandardCharsets.UTF_8),
            "{\"a\":1}".getBytes(StandardCharsets.UTF_8),
            noise,
            new byte[] {(byte) 0xAC, (byte) 0xED, 0, 5})) {
      assertThatThrownBy(() -> serializer.deserialize(bytes, LOADER))
          .isInstanceOf(CorruptEntryException.class)
          .hasMessageStartingWith("cached value is corrupt or truncated");
    }
  }

  @Test
  void forgedHugeArrayLengthIsRejectedBeforeAllocation() {
    byte[] bytes = serializer.serialize(new Object[] {"a"});
    // the stream ends with the array's length and its one element, TC_STRING 00 01 'a'
    int lengthAt = bytes.length - 8;
    assertThat(ByteBuffer.wrap(bytes, lengthAt, 4).getInt()).isEqualTo(1);

    ByteBuffer.wrap(bytes).putInt(lengthAt, Integer.MAX_VALUE);
    assertThatThrownBy(() -> serializer.deserialize(bytes, LOADER))
        .isInstanceOf(CorruptEntryException.class)
        .hasMessage("array length 2147483647 exceeds the limit of 10000000");

    ByteBuffer.wrap(bytes).putInt(lengthAt, 5_000_000);
    assertThatThrownBy(() -> serializer.deserialize(bytes, LOADER))
        .isInstanceOf(CorruptEntryException.class)
        .hasMessageContaining("arrays of 5000000 elements in all cannot come from a stream of");
  }

  @Test
  void deepNestingIsRejected() {
    Object value = "leaf";
    for (int i = 0; i < 100; i++) {
      value = List.of(value);
    }
    byte[] bytes = serializer.serialize(value);

    assertThatThrownBy(() -> serializer.deserialize(bytes, LOADER))
        .isInstanceOf(CorruptEntryException.class)
        .hasMessageContaining("nesting depth 65 exceeds the limit of 64");
  }

  @Test
  void rangeOfALargerArrayIsReadInPlace() {
    byte[] value = serializer.serialize(List.of("in", "place"));
    byte[] framed = new byte[value.length + 10];
    System.arraycopy(value, 0, framed, 7, value.length);

    assertThat(serializer.deserialize(framed, 7, value.length, LOADER))
        .isEqualTo(List.of("in", "place"));
    assertThat(serializer.deserialize(value, null)).isEqualTo(List.of("in", "place"));
  }
}
