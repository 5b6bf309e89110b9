package io.depcache.agent.serial;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.NotSerializableException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
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
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import javax.management.BadAttributeValueExpException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class JavaSerializerTest {
  private static final ClassLoader LOADER = JavaSerializerTest.class.getClassLoader();

  private final AllowList allowList = new AllowList();
  private final JavaSerializer serializer = new JavaSerializer(allowList);

  record Item(String sku, int quantity, BigDecimal price) implements Serializable {}

  record Order(UUID id, List<Item> items, Map<String, Item> bySku, Status status, Instant at)
      implements Serializable {}

  enum Status {
    OPEN,
    SHIPPED
  }

  /** Not serializable: any value holding one cannot be cached. */
  static final class Plain {}

  /** Records whether its readObject ever ran, as a gadget's would. */
  static final class Gadget implements Serializable {
    private static final long serialVersionUID = 1L;
    static volatile boolean readObjectRan;

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
      readObjectRan = true;
      in.defaultReadObject();
    }
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
        nested,
        linked,
        reversed,
        List.of(List.of(List.of("deep"))));
  }

  @ParameterizedTest
  @MethodSource("jdkValues")
  void jdkValuesRoundTripWithoutAnyPattern(Object value) {
    assertThat(roundTrip(value)).isEqualTo(value);
  }

  @Test
  void arraysRoundTrip() {
    assertThat((int[]) roundTrip(new int[] {1, 2, 3})).containsExactly(1, 2, 3);
    assertThat((String[][]) roundTrip(new String[][] {{"a"}, {"b", null}}))
        .isDeepEqualTo(new String[][] {{"a"}, {"b", null}});
    assertThat((byte[]) roundTrip(new byte[100_000])).hasSize(100_000);
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
  }

  @Test
  void classOutsideTheListIsRejectedUntilAllowed() {
    Item pen = new Item("pen", 2, BigDecimal.ONE);
    byte[] bytes = serializer.serialize(List.of(pen));

    assertThatThrownBy(() -> serializer.deserialize(bytes, LOADER))
        .isInstanceOf(CorruptEntryException.class)
        .hasMessage(
            "class io.depcache.agent.serial.JavaSerializerTest$Item is not allowed for"
                + " deserialization; add it (or a pattern such as io.depcache.agent.serial.**)"
                + " to depcache.serializer.allow");

    allowList.allow("io.depcache.agent.**");

    assertThat(serializer.deserialize(bytes, LOADER)).isEqualTo(List.of(pen));
  }

  @Test
  void singleStarDoesNotReachSubpackages() {
    allowList.allow("io.depcache.agent.*");

    assertThatThrownBy(() -> serializer.deserialize(serializer.serialize(Status.OPEN), LOADER))
        .isInstanceOf(CorruptEntryException.class)
        .hasMessageContaining("JavaSerializerTest$Status is not allowed");
  }

  @Test
  void valueThatIsNotSerializableNamesTheOffendingClass() {
    List<Object> value = new ArrayList<>(List.of("fine", new Plain()));

    assertThatThrownBy(() -> serializer.serialize(value))
        .isInstanceOf(NotSerializableValueException.class)
        .hasMessageContaining("java.util.ArrayList")
        .hasMessageContaining("io.depcache.agent.serial.JavaSerializerTest$Plain")
        .hasCauseInstanceOf(NotSerializableException.class);
  }

  @Test
  void gadgetIsRejectedBeforeItsReadObjectRuns() throws IOException {
    Gadget.readObjectRan = false;
    byte[] alone = javaSerialize(new Gadget());
    byte[] nested = javaSerialize(new ArrayList<>(List.of("x", Map.of("k", new Gadget()))));

    assertThatThrownBy(() -> serializer.deserialize(alone, LOADER))
        .isInstanceOf(CorruptEntryException.class)
        .hasMessageContaining("JavaSerializerTest$Gadget is not allowed");
    assertThatThrownBy(() -> serializer.deserialize(nested, LOADER))
        .isInstanceOf(CorruptEntryException.class)
        .hasMessageContaining("JavaSerializerTest$Gadget is not allowed");
    assertThat(Gadget.readObjectRan).isFalse();

    // the control: the same bytes do run readObject where nothing guards them
    try (ObjectInputStream in = new ObjectInputStream(new java.io.ByteArrayInputStream(alone))) {
      in.readObject();
    } catch (ClassNotFoundException e) {
      throw new AssertionError(e);
    }
    assertThat(Gadget.readObjectRan).isTrue();
  }

  @Test
  void jdkGadgetClassIsRejected() throws IOException {
    byte[] bytes = javaSerialize(new BadAttributeValueExpException("x"));

    assertThatThrownBy(() -> serializer.deserialize(bytes, LOADER))
        .isInstanceOf(CorruptEntryException.class)
        .hasMessageContaining(
            "class javax.management.BadAttributeValueExpException is not allowed");
  }

  @Test
  void dynamicProxyIsRejected() throws IOException {
    Object proxy =
        java.lang.reflect.Proxy.newProxyInstance(
            LOADER, new Class<?>[] {Comparable.class}, new SerializableHandler());

    assertThatThrownBy(() -> serializer.deserialize(javaSerialize(proxy), LOADER))
        .isInstanceOf(CorruptEntryException.class)
        .hasMessageContaining("dynamic proxy");
  }

  static final class SerializableHandler
      implements java.lang.reflect.InvocationHandler, Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public Object invoke(Object proxy, java.lang.reflect.Method method, Object[] args) {
      return 0;
    }
  }

  private Object roundTrip(Object value) {
    return serializer.deserialize(serializer.serialize(value), LOADER);
  }

  static byte[] javaSerialize(Object value) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(value);
    }
    return bytes.toByteArray();
  }
}
