package io.depcache.agent.serial;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URLClassLoader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
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
}
