package io.depcache.agent.serial;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.depcache.agent.serial.StoredEntry.Kind;
import java.io.IOException;
import java.io.Serializable;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EntryCodecTest {
  private static final ClassLoader LOADER = EntryCodecTest.class.getClassLoader();
  private static final EntryDependencies NONE = EntryDependencies.NONE;
  private static final EntryDependencies DEPENDENCIES =
      dependencies(
          "default", "user:42", "default", "org:7", "billing", "invoice:π-1", "default", "");

  private final AllowList allowList = new AllowList();
  private final JavaSerializer serializer = new JavaSerializer(allowList);

  record Profile(String name, LocalDate born, List<BigDecimal> scores) implements Serializable {}

  /** Dependencies of unknown sequence, from manager and name pairs. */
  private static EntryDependencies dependencies(String... managersAndNames) {
    String[] managers = new String[managersAndNames.length / 2];
    String[] names = new String[managers.length];
    for (int i = 0; i < managers.length; i++) {
      managers[i] = managersAndNames[2 * i];
      names[i] = managersAndNames[2 * i + 1];
    }
    return EntryDependencies.of(managers, names, null);
  }

  private static StoredEntry value(Object value, EntryDependencies dependencies) {
    return new StoredEntry(Kind.VALUE, value, null, null, dependencies);
  }

  private StoredEntry roundTrip(StoredEntry entry) {
    return EntryCodec.decode(EntryCodec.encode(entry, serializer), serializer, LOADER);
  }

  @Test
  void valueEntryRoundTripsWithItsDependencies() {
    allowList.allow("io.depcache.agent.serial.*");
    Profile profile = new Profile("Ada", LocalDate.of(1815, 12, 10), List.of(BigDecimal.TEN));
    StoredEntry entry = value(Map.of("p", List.of(profile)), DEPENDENCIES);

    assertThat(roundTrip(entry)).isEqualTo(entry);
  }

  @Test
  void nullEntryRoundTrips() {
    StoredEntry entry = new StoredEntry(Kind.NULL, null, null, null, DEPENDENCIES);

    assertThat(roundTrip(entry)).isEqualTo(entry);
  }

  @Test
  void exceptionEntryRoundTripsWithAndWithoutMessage() {
    StoredEntry withMessage =
        new StoredEntry(Kind.EXCEPTION, null, "com.example.NotFound", "no user 42 ✗", NONE);
    StoredEntry withoutMessage =
        new StoredEntry(Kind.EXCEPTION, null, "com.example.NotFound", null, DEPENDENCIES);
    StoredEntry emptyMessage =
        new StoredEntry(Kind.EXCEPTION, null, "com.example.NotFound", "", NONE);

    assertThat(roundTrip(withMessage)).isEqualTo(withMessage);
    assertThat(roundTrip(withoutMessage)).isEqualTo(withoutMessage);
    assertThat(roundTrip(emptyMessage)).isEqualTo(emptyMessage);
  }

  @Test
  void optionalEntriesRoundTrip() {
    StoredEntry present =
        new StoredEntry(Kind.OPTIONAL, List.of("content"), null, null, DEPENDENCIES);
    StoredEntry empty = new StoredEntry(Kind.OPTIONAL_EMPTY, null, null, null, DEPENDENCIES);

    assertThat(roundTrip(present)).isEqualTo(present);
    assertThat(roundTrip(empty)).isEqualTo(empty);
  }

  @Test
  void missingDependencyListReadsBackEmpty() {
    assertThat(roundTrip(value("v", null)).dependencies().size()).isZero();
  }

  @Test
  void sequencesRoundTripWithTheirDependencies() {
    EntryDependencies read =
        EntryDependencies.of(
            new String[] {"default", "billing"},
            new String[] {"user:1", "invoice:2"},
            new long[] {7, EntryDependencies.NO_SEQUENCE});

    EntryDependencies decoded = roundTrip(value("v", read)).dependencies();

    assertThat(decoded).isEqualTo(read);
    assertThat(decoded.sequence(0)).isEqualTo(7);
    assertThat(decoded.sequence(1)).isEqualTo(EntryDependencies.NO_SEQUENCE);
    assertThat(decoded.manager(1)).isEqualTo("billing");
  }

  @Test
  void layoutIsCompactWithEachManagerStoredOnce() {
    EntryDependencies dependencies = dependencies("default", "user:1", "default", "user:2");
    byte[] bytes =
        EntryCodec.encode(new StoredEntry(Kind.NULL, null, null, null, dependencies), serializer);

    byte[] expected =
        concat(
            new byte[] {(byte) 0xDC, 2, 1}, // magic, version, NULL
            new byte[] {1, 7}, // one manager, seven bytes long
            ascii("default"),
            new byte[] {2, 0, 6}, // two dependencies; the first of manager 0, six bytes long
            ascii("user:1"),
            unknownSequence(), // no fenced computation declared it
            new byte[] {0, 6},
            ascii("user:2"),
            unknownSequence());
    assertThat(bytes).containsExactly(expected);
  }

  @Test
  void anEntryOfTheFormatBeforeSerializerCodesIsReadByJava() throws IOException {
    // as version 2 wrote them before the serializer's code was in the kind byte: 0 there
    byte[] earlier =
        concat(
            new byte[] {(byte) 0xDC, 2, 0, 0, 0}, // VALUE, no manager, no dependency
            JavaSerializerTest.javaSerialize("written earlier"));

    assertThat(EntryCodec.decode(earlier, serializer, LOADER).value()).isEqualTo("written earlier");
    assertThat(EntryCodec.encode(value("written earlier", NONE), serializer)).isEqualTo(earlier);
  }

  @Test
  void aValueWrittenByAnotherSerializerIsACorruptEntryNamingBoth() {
    Serializer other = new Fixed(1, "other");
    byte[] value = EntryCodec.encode(value("v", DEPENDENCIES), other);
    byte[] optional =
        EntryCodec.encode(new StoredEntry(Kind.OPTIONAL, "v", null, null, NONE), other);

    assertThat(value[2]).isEqualTo((byte) 0x10);
    assertThat(optional[2]).isEqualTo((byte) 0x13);
    for (byte[] bytes : List.of(value, optional)) {
      assertCorrupt(
          bytes,
          "the entry's value was written by serializer kryo, and this manager reads with java"
              + " (depcache.serializer)");
    }
    assertThatThrownBy(
            () -> EntryCodec.decode(EntryCodec.encode(value("v", NONE), serializer), other, LOADER))
        .isInstanceOf(CorruptEntryException.class)
        .hasMessageContaining("written by serializer java, and this manager reads with other");
  }

  @Test
  void entriesWithoutValueBytesReadWhateverTheSerializer() {
    Serializer other = new Fixed(1, "other");
    for (StoredEntry entry :
        List.of(
            new StoredEntry(Kind.NULL, null, null, null, DEPENDENCIES),
            new StoredEntry(Kind.OPTIONAL_EMPTY, null, null, null, NONE),
            new StoredEntry(Kind.EXCEPTION, null, "x.Boom", "m", NONE))) {
      byte[] bytes = EntryCodec.encode(entry, other);

      assertThat(bytes[2] & 0xF0).as("no serializer code without value bytes").isZero();
      assertThat(EntryCodec.decode(bytes, serializer, LOADER)).isEqualTo(entry);
    }
    byte[] bytes = EntryCodec.encode(new StoredEntry(Kind.NULL, null, null, null, NONE), other);
    bytes[2] |= 0x10;
    assertCorrupt(bytes, "unknown entry kind 17");
  }

  @Test
  void longStringsUseMultiByteLengths() {
    String longName = "d".repeat(300_000);
    StoredEntry entry =
        new StoredEntry(Kind.EXCEPTION, null, "x.Y", "m".repeat(200), dependencies("m", longName));

    assertThat(roundTrip(entry)).isEqualTo(entry);
  }

  @Test
  void dependenciesAloneAreReadWithoutTheValue() {
    allowList.allow("io.depcache.agent.serial.*");
    byte[] bytes =
        EntryCodec.encode(value(new Profile("x", null, List.of()), DEPENDENCIES), serializer);

    assertThat(EntryCodec.decodeDependencies(bytes)).isEqualTo(DEPENDENCIES);
    assertThatThrownBy(() -> EntryCodec.decode(bytes, new JavaSerializer(new AllowList()), LOADER))
        .isInstanceOf(CorruptEntryException.class)
        .hasMessageContaining("EntryCodecTest$Profile is not allowed");
  }

  @Test
  void inconsistentEntriesAreRefusedWhenEncoding() {
    assertThatThrownBy(() -> EntryCodec.encode(value(null, NONE), serializer))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                EntryCodec.encode(
                    new StoredEntry(Kind.EXCEPTION, null, null, "m", NONE), serializer))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> dependencies(null, "d"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("dependency 0 is incomplete");
    assertThatThrownBy(
            () -> EntryDependencies.of(new String[] {"m"}, new String[] {"a", "b"}, new long[0]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected one of each per dependency");
  }

  @Test
  void valueThatCannotBeSerializedSurfacesAsNotSerializable() {
    assertThatThrownBy(() -> EntryCodec.encode(value(new Object(), NONE), serializer))
        .isInstanceOf(NotSerializableValueException.class)
        .hasMessageContaining("java.lang.Object");
  }

  @Test
  void foreignBytesAreACorruptEntry() throws IOException {
    assertCorrupt(new byte[0], "not a depcache entry: 0 bytes");
    assertCorrupt("OK".getBytes(StandardCharsets.UTF_8), "not a depcache entry: 2 bytes");
    assertCorrupt(
        "some value someone SET".getBytes(StandardCharsets.UTF_8),
        "not a depcache entry: first byte 0x73 instead of 0xdc");
    assertCorrupt(
        JavaSerializerTest.javaSerialize("a string"),
        "not a depcache entry: first byte 0xac instead of 0xdc");
  }

  @Test
  void otherFormatVersionOrKindIsACorruptEntry() {
    byte[] bytes = EntryCodec.encode(value("v", DEPENDENCIES), serializer);
    bytes[1] = 1;
    assertCorrupt(bytes, "entry format version 1 is not supported (expected 2)");

    bytes[1] = 2;
    bytes[2] = 5;
    assertCorrupt(bytes, "unknown entry kind 5");
  }

  @Test
  void everyTruncationIsACorruptEntry() {
    for (StoredEntry entry :
        List.of(
            value(List.of("a", 1), DEPENDENCIES),
            new StoredEntry(Kind.EXCEPTION, null, "x.Boom", "msg", DEPENDENCIES),
            new StoredEntry(Kind.EXCEPTION, null, "x.Boom", null, NONE),
            new StoredEntry(Kind.OPTIONAL, 42, null, null, DEPENDENCIES),
            new StoredEntry(Kind.OPTIONAL_EMPTY, null, null, null, NONE),
            new StoredEntry(Kind.NULL, null, null, null, DEPENDENCIES))) {
      byte[] bytes = EntryCodec.encode(entry, serializer);
      for (int length = 0; length < bytes.length; length++) {
        byte[] prefix = Arrays.copyOf(bytes, length);
        assertThatThrownBy(() -> EntryCodec.decode(prefix, serializer, LOADER))
            .as("%s cut to %d of %d bytes", entry.kind(), length, bytes.length)
            .isInstanceOf(CorruptEntryException.class);
      }
    }
  }

  @Test
  void trailingBytesAfterANullOrExceptionEntryAreACorruptEntry() {
    byte[] bytes =
        EntryCodec.encode(new StoredEntry(Kind.NULL, null, null, null, NONE), serializer);
    assertCorrupt(Arrays.copyOf(bytes, bytes.length + 1), "1 unexpected bytes after the entry");
  }

  @Test
  void bogusHugeLengthsAreRejectedWithoutAllocating() {
    byte[] varintMax = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x07};
    // a manager count, a dependency count and a string length of Integer.MAX_VALUE
    assertCorrupt(concat(header(1), varintMax), "2147483647 managers");
    assertCorrupt(concat(header(1), new byte[] {0}, varintMax), "2147483647 dependencies");
    assertCorrupt(
        concat(header(1), new byte[] {1}, varintMax, new byte[] {'a'}),
        "a string of 2147483647 bytes");
    // longer than 32 bits, or a continuation that never ends
    assertCorrupt(
        concat(header(1), new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x7F}),
        "malformed length");
    assertCorrupt(
        concat(header(1), new byte[] {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80}),
        "truncated");
    // a dependency naming a manager that is not in the table
    assertCorrupt(
        concat(header(1), new byte[] {1, 1, 'm', 1, 5, 1, 'd'}, unknownSequence()),
        "names manager 5 of 1");
  }

  @Test
  void randomBytesBehindAValidHeaderOnlyEverFailAsCorruptEntries() {
    Random random = new Random(7);
    for (int i = 0; i < 20_000; i++) {
      byte[] tail = new byte[random.nextInt(40)];
      random.nextBytes(tail);
      byte[] bytes = concat(header(random.nextInt(6)), tail);
      try {
        EntryCodec.decode(bytes, serializer, LOADER);
      } catch (CorruptEntryException expected) {
        assertThat(expected.getMessage()).isNotBlank();
      }
    }
  }

  @Test
  void serializerFailureOfAnyKindIsACorruptEntry() {
    Serializer broken =
        new Serializer() {
          @Override
          public String name() {
            return "broken";
          }

          @Override
          public int code() {
            return 0;
          }

          @Override
          public byte[] serialize(Object value) {
            return new byte[] {1};
          }

          @Override
          public Object deserialize(byte[] data, ClassLoader loader) {
            throw new IllegalStateException("boom");
          }
        };
    byte[] bytes = EntryCodec.encode(value("v", NONE), broken);

    assertThatThrownBy(() -> EntryCodec.decode(bytes, broken, LOADER))
        .isInstanceOf(CorruptEntryException.class)
        .hasMessageContaining("serializer broken cannot read the value")
        .hasCauseInstanceOf(IllegalStateException.class);
  }

  /** A serializer of strings as UTF-8, with a code of its own. */
  private record Fixed(int code, String name) implements Serializer {
    @Override
    public byte[] serialize(Object value) {
      return ((String) value).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public Object deserialize(byte[] data, ClassLoader loader) {
      return new String(data, StandardCharsets.UTF_8);
    }
  }

  private void assertCorrupt(byte[] bytes, String message) {
    assertThatThrownBy(() -> EntryCodec.decode(bytes, serializer, LOADER))
        .isInstanceOf(CorruptEntryException.class)
        .hasMessageContaining(message);
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] header(int kind) {
    return new byte[] {(byte) 0xDC, 2, (byte) kind};
  }

  private static byte[] unknownSequence() {
    return new byte[] {0x7F, -1, -1, -1, -1, -1, -1, -1};
  }

  private static byte[] concat(byte[]... parts) {
    int size = 0;
    for (byte[] part : parts) {
      size += part.length;
    }
    byte[] all = new byte[size];
    int at = 0;
    for (byte[] part : parts) {
      System.arraycopy(part, 0, all, at, part.length);
      at += part.length;
    }
    return all;
  }
}
