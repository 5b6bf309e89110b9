package io.depcache.agent.serial;

import com.esotericsoftware.kryo.io.Output;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * What the tests of the allowlist's promise need of each serializer: the serializer itself, and the
 * bytes that a writer without any allowlist would produce, as another application sharing the
 * Redis, an attacker or a JVM with a longer list could write them.
 */
enum Formats {
  JAVA {
    @Override
    Serializer create(AllowList allowList) {
      return new JavaSerializer(allowList);
    }

    @Override
    byte[] unchecked(Object value) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
        out.writeObject(value);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return bytes.toByteArray();
    }

    @Override
    byte[] nested(int depth) {
      Object value = "leaf";
      for (int i = 0; i < depth; i++) {
        value = List.of(value);
      }
      return unchecked(value);
    }
  },

  KRYO {
    @Override
    Serializer create(AllowList allowList) {
      return new KryoSerializer(allowList);
    }

    /**
     * Kryo's bytes as written by a serializer that allows every test package and the JDK's
     * management classes: the same format, another list.
     */
    @Override
    byte[] unchecked(Object value) {
      AllowList everything = new AllowList();
      for (String pattern : List.of("io.**", "com.**", "gen.**", "javax.management.*")) {
        everything.allow(pattern);
      }
      return new KryoSerializer(everything).serialize(value);
    }

    /**
     * Nested singleton lists, forged: a writer refuses to go deeper than the reader would read. The
     * first list names its class, each one inside refers back to that name (tag 1, index 0).
     */
    @Override
    byte[] nested(int depth) {
      Output out = new Output(64, -1);
      out.writeByte(KryoSerializer.FORMAT);
      out.writeByte(1);
      out.writeVarInt(0, true);
      out.writeString("java.util.Collections$SingletonList");
      for (int i = 1; i < depth; i++) {
        out.writeByte(1);
        out.writeVarInt(0, true);
      }
      out.writeByte(0); // the innermost list holds null
      return out.toBytes();
    }
  };

  /** The serializer of this format, reading behind the given list. */
  abstract Serializer create(AllowList allowList);

  /** The bytes of a value as a writer that checks no list writes them. */
  abstract byte[] unchecked(Object value);

  /** The bytes of lists nested {@code depth} deep. */
  abstract byte[] nested(int depth);
}
