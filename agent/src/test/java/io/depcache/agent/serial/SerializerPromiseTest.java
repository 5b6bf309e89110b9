package io.depcache.agent.serial;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.Serializable;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Date;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The allowlist's promise, kept by every serializer: what the JDK and allowed classes hold comes
 * back equal, and no class outside the list is loaded or instantiated, whoever wrote the bytes.
 * What only one format has (the JDK stream's class descriptors, Kryo's class names) is tested in
 * that serializer's own classes.
 */
@ParameterizedClass
@EnumSource(Formats.class)
class SerializerPromiseTest {
  private static final ClassLoader LOADER = SerializerPromiseTest.class.getClassLoader();

  @Parameter Formats format;

  private final AllowList allowList = new AllowList();
  private Serializer serializer;

  @TempDir Path tmp;

  record Item(String sku, int quantity, BigDecimal price) implements Serializable {}

  record Order(UUID id, List<Item> items, Map<String, Item> bySku, Status status, Instant at)
      implements Serializable {}

  enum Status {
    OPEN,
    SHIPPED
  }

  /** An object that records its construction and deserialization, as a gadget's code would. */
  private static final String GADGET =
      """
      package gen;
      public class Gadget implements java.io.Serializable {
        public static int constructed;
        public static int read;
        public Gadget() { constructed++; }
        private void readObject(java.io.ObjectInputStream in) throws Exception {
          read++;
          in.defaultReadObject();
        }
      }
      """;

  private Serializer serializer() {
    if (serializer == null) {
      serializer = format.create(allowList);
    }
    return serializer;
  }

  static Stream<Object> jdkValues() {
    Map<String, List<Set<Integer>>> nested = new TreeMap<>();
    nested.put("a", List.of(Set.of(1, 2), new TreeSet<>(Set.of(3))));
    nested.put("b", new ArrayList<>(List.of(Collections.emptySet())));
    Map<String, Object> linked = new LinkedHashMap<>();
    linked.put("z", 1L);
    linked.put("a", List.of(Map.of("k", new BigInteger("123456789012345678901234567890"))));
    TreeSet<String> reversed = new TreeSet<>(Comparator.reverseOrder());
    reversed.addAll(List.of("a", "b", "c"));
    return Stream.of(
        "plain",
        "unicode ✓ 日本語 \uD83D\uDE00",
        "",
        42,
        -7L,
        3.25d,
        1.5f,
        (short) 3,
        (byte) 1,
        'c',
        true,
        new BigDecimal("12.340"),
        BigInteger.TWO.pow(100),
        Instant.parse("2024-05-01T10:15:30.123Z"),
        LocalDate.of(2024, 2, 29),
        LocalDateTime.of(2024, 1, 2, 3, 4, 5),
        ZonedDateTime.of(2024, 3, 31, 2, 30, 0, 0, ZoneId.of("Europe/Paris")),
        Duration.ofMillis(90_061_001),
        ZoneId.of("America/New_York"),
        UUID.fromString("123e4567-e89b-12d3-a456-426614174000"),
        new Date(1_700_000_000_000L),
        Locale.CANADA_FRENCH,
        URI.create("https://example.com/a?b=c"),
        List.of(),
        List.of(1, 2, 3),
        Arrays.asList("x", null, "y"),
        Collections.unmodifiableList(new ArrayList<>(List.of("u"))),
        Collections.singletonMap("k", "v"),
        Map.of("a", 1, "b", 2),
        new HashMap<>(Map.of(1, "one")),
        new ConcurrentHashMap<>(Map.of("c", 3)),
        new CopyOnWriteArrayList<>(List.of("cow")),
        nested,
        linked,
        reversed,
        List.of(List.of(List.of("deep"))));
  }

  @ParameterizedTest
  @MethodSource("jdkValues")
  void jdkValuesRoundTripWithoutAnyPattern(Object value) {
    Object read = roundTrip(value);

    assertThat(read).isEqualTo(value);
    assertThat(read.getClass()).isEqualTo(value.getClass());
  }

  @Test
  void arraysRoundTrip() {
    assertThat((int[]) roundTrip(new int[] {1, 2, 3})).containsExactly(1, 2, 3);
    assertThat((String[][]) roundTrip(new String[][] {{"a"}, {"b", null}}))
        .isDeepEqualTo(new String[][] {{"a"}, {"b", null}});
    assertThat((byte[]) roundTrip(new byte[100_000])).hasSize(100_000);
    assertThat((Object[]) roundTrip(new Object[] {1, "two", List.of(3)}))
        .containsExactly(1, "two", List.of(3));
  }

  @Test
  void recordsListsAndMapsOfRecordsRoundTripOnceTheirPackageIsAllowed() {
    allowList.allow("io.depcache.agent.serial.*");
    Item pen = new Item("pen", 2, new BigDecimal("1.99"));
    Item ink = new Item("ink", 1, new BigDecimal("7.50"));
    Order order =
        new Order(
            UUID.randomUUID(),
            List.of(pen, ink),
            Map.of("pen", pen, "ink", ink),
            Status.SHIPPED,
            Instant.parse("2024-05-01T00:00:00Z"));

    assertThat(roundTrip(pen)).isEqualTo(pen);
    assertThat(roundTrip(order)).isEqualTo(order);
    assertThat(roundTrip(List.of(order, order))).isEqualTo(List.of(order, order));
    assertThat(roundTrip(Map.of(Status.OPEN, List.of(pen))))
        .isEqualTo(Map.of(Status.OPEN, List.of(pen)));
    assertThat(roundTrip(EnumSet.of(Status.OPEN))).isEqualTo(EnumSet.of(Status.OPEN));
    assertThat(roundTrip(new Item[] {pen, null})).isEqualTo(new Item[] {pen, null});
  }

  @Test
  void classOutsideTheListIsRejectedUntilAllowed() {
    Item pen = new Item("pen", 2, BigDecimal.ONE);
    byte[] bytes = format.unchecked(List.of(pen));

    assertThatThrownBy(() -> serializer().deserialize(bytes, LOADER))
        .isInstanceOf(CorruptEntryException.class)
        .hasMessage(
            "class io.depcache.agent.serial.SerializerPromiseTest$Item is not allowed for"
                + " deserialization; add it (or a pattern such as io.depcache.agent.serial.**)"
                + " to depcache.serializer.allow");

    allowList.allow("io.depcache.agent.**");

    assertThat(serializer().deserialize(bytes, LOADER)).isEqualTo(List.of(pen));
  }

  @Test
  void singleStarDoesNotReachSubpackages() {
    allowList.allow("io.depcache.agent.*");

    assertThatThrownBy(() -> serializer().deserialize(format.unchecked(Status.OPEN), LOADER))
        .isInstanceOf(CorruptEntryException.class)
        .hasMessageContaining("SerializerPromiseTest$Status is not allowed");
  }

  @Test
  void aGadgetOutsideTheListIsNeverLoadedLetAloneCreated() throws Exception {
    try (URLClassLoader app = GeneratedClasses.compile(tmp, "gen.Gadget", GADGET)) {
      Class<?> type = app.loadClass("gen.Gadget");
      Object gadget = type.getConstructor().newInstance();
      byte[] alone = format.unchecked(gadget);
      byte[] nested = format.unchecked(new ArrayList<>(List.of("x", Map.of("k", gadget))));
      RecordingLoader reader = new RecordingLoader(app);

      for (byte[] bytes : List.of(alone, nested)) {
        assertThatThrownBy(() -> serializer().deserialize(bytes, reader))
            .isInstanceOf(CorruptEntryException.class)
            .hasMessageContaining("class gen.Gadget is not allowed");
      }
      assertThat(reader.asked).doesNotContain("gen.Gadget");
      assertThat(type.getField("constructed").get(null)).isEqualTo(1); // the written one
      assertThat(type.getField("read").get(null)).isEqualTo(0);

      // the control: once allowed, the same bytes are read, through the gadget's own code
      allowList.allow("gen.*");
      assertThat(serializer().deserialize(alone, reader).getClass()).isSameAs(type);
      assertThat(reader.asked).contains("gen.Gadget");
    }
  }

  @Test
  void valueOfAClassOnlyTheMethodsLoaderSeesIsReadThroughThatLoader() throws Exception {
    String source =
        "package gen; public class Versioned implements java.io.Serializable {"
            + " private static final long serialVersionUID = 1L; public int x = 7; }";
    try (URLClassLoader app = GeneratedClasses.compile(tmp, "gen.Versioned", source)) {
      Class<?> type = app.loadClass("gen.Versioned");
      allowList.allow("gen.**");
      byte[] bytes = serializer().serialize(List.of(type.getConstructor().newInstance()));

      Object value = ((List<?>) serializer().deserialize(bytes, app)).get(0);

      assertThat(value.getClass()).isSameAs(type);
      assertThat(type.getField("x").get(value)).isEqualTo(7);
      assertThatThrownBy(() -> serializer().deserialize(bytes, LOADER))
          .isInstanceOf(CorruptEntryException.class)
          .hasMessageStartingWith("class gen.Versioned of the cached value cannot be found by");
    }
  }

  @Test
  void deepNestingIsRejected() {
    assertThat(serializer().deserialize(format.nested(60), LOADER)).isInstanceOf(List.class);
    assertThatThrownBy(() -> serializer().deserialize(format.nested(100), LOADER))
        .isInstanceOf(CorruptEntryException.class)
        .hasMessageContaining("nesting depth 65 exceeds the limit of 64");
  }

  @Test
  void everyTruncationIsACorruptEntry() {
    byte[] bytes = serializer().serialize(Map.of("k", List.of(1, 2L, "three", 4.0)));

    for (int length = 0; length < bytes.length; length++) {
      byte[] prefix = Arrays.copyOf(bytes, length);
      assertThatThrownBy(() -> serializer().deserialize(prefix, LOADER))
          .as("first %d of %d bytes", length, bytes.length)
          .isInstanceOf(CorruptEntryException.class);
    }
  }

  @Test
  void damagedBytesNeverThrowAnythingButCorruptEntry() {
    byte[] bytes = serializer().serialize(List.of(Map.of("k", new int[] {1, 2}), "s", 3L));

    for (int i = 0; i < bytes.length; i++) {
      for (int mask : new int[] {0x01, 0x80, 0xFF}) {
        byte[] damaged = bytes.clone();
        damaged[i] ^= (byte) mask;
        try {
          serializer().deserialize(damaged, LOADER);
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
    Formats other = format == Formats.JAVA ? Formats.KRYO : Formats.JAVA;

    for (byte[] bytes :
        List.of(
            new byte[0],
            "hello".getBytes(StandardCharsets.UTF_8),
            "{\"a\":1}".getBytes(StandardCharsets.UTF_8),
            noise,
            new byte[] {(byte) 0xAC, (byte) 0xED, 0, 5},
            other.unchecked(List.of("the other format")))) {
      assertThatThrownBy(() -> serializer().deserialize(bytes, LOADER))
          .isInstanceOf(CorruptEntryException.class)
          .satisfies(e -> assertThat(e.getMessage()).isNotBlank());
    }
  }

  @Test
  void rangeOfALargerArrayIsReadInPlace() {
    byte[] value = serializer().serialize(List.of("in", "place"));
    byte[] framed = new byte[value.length + 10];
    System.arraycopy(value, 0, framed, 7, value.length);

    assertThat(serializer().deserialize(framed, 7, value.length, LOADER))
        .isEqualTo(List.of("in", "place"));
    assertThat(serializer().deserialize(value, null)).isEqualTo(List.of("in", "place"));
  }

  private Object roundTrip(Object value) {
    return serializer().deserialize(serializer().serialize(value), LOADER);
  }

  /** A loader that delegates everything and remembers the names it was asked for. */
  static final class RecordingLoader extends ClassLoader {
    final List<String> asked = new CopyOnWriteArrayList<>();

    RecordingLoader(ClassLoader parent) {
      super(parent);
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
      asked.add(name);
      return super.loadClass(name, resolve);
    }
  }
}
