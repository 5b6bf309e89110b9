package io.depcache.agent.serial;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.util.Util;
import io.depcache.agent.serial.JavaSerializerRealisticValuesTest.Category;
import io.depcache.agent.serial.JavaSerializerRealisticValuesTest.Small;
import io.depcache.agent.serial.JavaSerializerRealisticValuesTest.Tag;
import io.depcache.agent.serial.SerializerPromiseTest.RecordingLoader;
import java.io.Serializable;
import java.lang.reflect.Proxy;
import java.math.BigDecimal;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What only the {@code kryo} serializer has: class names, shapes, its bounds and its pool. */
class KryoSerializerTest {
  private static final ClassLoader LOADER = KryoSerializerTest.class.getClassLoader();

  private final AllowList allowList = new AllowList();
  private final KryoSerializer kryo = new KryoSerializer(allowList);

  @TempDir Path tmp;

  record Item(String sku, int quantity, BigDecimal price) {}

  record WithOptionals(Optional<String> name, Optional<Item> item, OptionalInt count) {}

  /** A bean of the usual kind: no-argument constructor, fields, not Serializable. */
  static final class Bean {
    private String name;
    private List<Item> items = new ArrayList<>();
    private transient String cache = "derived";

    Bean() {}
  }

  /** Neither Serializable nor constructible without arguments: nothing can make one. */
  static final class Plain {
    final String content;

    Plain(String content) {
      this.content = content;
    }
  }

  /** Serializable without a no-argument constructor: made as JDK serialization makes it. */
  static final class Immutable implements Serializable {
    private static final long serialVersionUID = 1L;
    final String content;

    Immutable(String content) {
      this.content = content;
    }
  }

  static final class Parent {
    final List<Child> children = new ArrayList<>();
  }

  static final class Child {
    Parent parent;
  }

  @Test
  void classesAreWrittenByNameSoAnEntryReadsTheSameWhateverOrderAJvmMetThemIn() {
    allowList.allow("io.depcache.agent.serial.*");
    Item pen = new Item("pen", 2, new BigDecimal("1.99"));
    byte[] bytes = kryo.serialize(List.of(pen));

    // another JVM: it registered other classes first, in another order
    KryoSerializer other = new KryoSerializer(allowList);
    other.deserialize(other.serialize(Map.of("k", new Small(1, "a", 2))), LOADER);
    other.deserialize(other.serialize(new int[] {1}), LOADER);

    assertThat(new String(bytes, US_ASCII))
        .contains("io.depcache.agent.serial.KryoSerializerTest$Item");
    assertThat(other.deserialize(bytes, LOADER)).isEqualTo(List.of(pen));
    assertThat(other.serialize(List.of(pen))).isEqualTo(bytes);
  }

  @Test
  void aRecordThatChangedSinceTheValueWasWrittenIsACorruptEntry() throws Exception {
    allowList.allow("gen.*");
    byte[] bytes =
        write(
            "Point",
            "public record Point(int x, int y) { public static Point sample() { return new"
                + " Point(1, 2); } }");

    assertThat(read(bytes, "Point", "public record Point(int x, int y) {}"))
        .hasToString("Point[x=1, y=2]");
    for (String changed :
        List.of(
            "public record Point(int x, int y, int z) {}",
            "public record Point(int x, long y) {}",
            "public record Point(int x, int why) {}")) {
      assertThatThrownBy(() -> read(bytes, "Point", changed))
          .isInstanceOf(CorruptEntryException.class)
          .hasMessage(
              "class gen.Point no longer matches the cached value: its fields or components"
                  + " changed since it was written");
    }
  }

  @Test
  void aChangeInsideAFinalTypeThatIsWrittenWithoutItsNameIsACorruptEntryToo() throws Exception {
    // Line is final and the list's element type: Kryo writes the lines without naming their class
    allowList.allow("gen.*");
    String before =
        "public record Order(java.util.List<Line> lines) { public static Order sample() { return"
            + " new Order(java.util.List.of(new Line(1))); } }\n"
            + "record Line(int quantity) {}";
    String after =
        "public record Order(java.util.List<Line> lines) {}\n"
            + "record Line(int quantity, String note) {}";
    byte[] bytes = write("Order", before);

    assertThatThrownBy(() -> read(bytes, "Order", after))
        .isInstanceOf(CorruptEntryException.class)
        .hasMessageContaining("class gen.Order no longer matches the cached value");
  }

  @Test
  void enumsAreWrittenByNameSoReorderedConstantsKeepTheirMeaning() throws Exception {
    allowList.allow("gen.*");
    byte[] bytes =
        write(
            "Color",
            "public enum Color { RED, GREEN; public static Color sample() { return GREEN; } }");

    assertThat(read(bytes, "Color", "public enum Color { BLUE, GREEN, RED }")).hasToString("GREEN");
    assertThatThrownBy(() -> read(bytes, "Color", "public enum Color { RED, BLUE }"))
        .isInstanceOf(CorruptEntryException.class)
        .hasMessageContaining("GREEN");
  }

  @Test
  void beansNeedNoSerializableButEveryObjectIsMadeThroughAConstructor() {
    allowList.allow("io.depcache.agent.serial.*");
    Bean bean = new Bean();
    bean.name = "b";
    bean.items.add(new Item("pen", 1, BigDecimal.TEN));
    bean.cache = "stale";

    Bean read = (Bean) kryo.deserialize(kryo.serialize(bean), LOADER);
    Immutable immutable = (Immutable) kryo.deserialize(kryo.serialize(new Immutable("i")), LOADER);

    assertThat(read.name).isEqualTo("b");
    assertThat(read.items).containsExactly(new Item("pen", 1, BigDecimal.TEN));
    assertThat(read.cache).as("transient: what the constructor made").isEqualTo("derived");
    assertThat(immutable.content).isEqualTo("i");
    assertThatThrownBy(() -> kryo.serialize(List.of(new Plain("p"))))
        .isInstanceOf(NotSerializableValueException.class)
        .hasMessageContaining("KryoSerializerTest$Plain has no constructor without arguments");
  }

  @Test
  void optionalsRoundTripInsideValues() {
    allowList.allow("io.depcache.agent.serial.*");
    WithOptionals present =
        new WithOptionals(
            Optional.of("n"), Optional.of(new Item("i", 1, BigDecimal.ONE)), OptionalInt.of(3));
    WithOptionals empty =
        new WithOptionals(Optional.empty(), Optional.empty(), OptionalInt.empty());

    assertThat(kryo.deserialize(kryo.serialize(present), LOADER)).isEqualTo(present);
    assertThat(kryo.deserialize(kryo.serialize(empty), LOADER)).isEqualTo(empty);
  }

  @Test
  void whatKryoCannotReadBackIsRefusedWhenWrittenSoTheCallRunsUncached() {
    allowList.allow("io.depcache.agent.serial.*");
    Parent parent = new Parent();
    Child child = new Child();
    child.parent = parent;
    parent.children.add(child);
    Object proxy =
        Proxy.newProxyInstance(LOADER, new Class<?>[] {Comparable.class}, (p, m, a) -> 0);
    Supplier<String> lambda = () -> "x";

    assertRefusedOnWrite(parent, "nesting depth 65 exceeds the limit of 64");
    assertRefusedOnWrite(
        new AtomicLong(), "class java.util.concurrent.atomic.AtomicLong is not allowed");
    assertRefusedOnWrite(
        Collections.nCopies(3, "x"),
        "class java.util.Collections$CopiesList cannot be cached with depcache.serializer=kryo");
    assertRefusedOnWrite(proxy, "dynamic proxy classes are not allowed");
    assertRefusedOnWrite(List.of(lambda), "a lambda");
    assertRefusedOnWrite(List.of(new Object()), "class java.lang.Object cannot be cached");
  }

  @Test
  void aJdkGadgetNamedInForgedBytesIsRefusedBeforeItIsLoaded() {
    Output out = new Output(64, -1);
    out.writeByte(KryoSerializer.FORMAT);
    out.writeByte(1);
    out.writeVarInt(0, true);
    out.writeString("javax.management.BadAttributeValueExpException");
    RecordingLoader loader = new RecordingLoader(LOADER);

    assertThatThrownBy(() -> kryo.deserialize(out.toBytes(), loader))
        .isInstanceOf(CorruptEntryException.class)
        .hasMessageContaining(
            "class javax.management.BadAttributeValueExpException is not allowed for"
                + " deserialization");
    assertThat(loader.asked).isEmpty();
  }

  @Test
  void namesRememberedFromPermittedReadsNeverLetAnotherNameThrough() {
    allowList.allow("io.depcache.agent.serial.KryoSerializerTest$Item");
    Item pen = new Item("pen", 2, new BigDecimal("1.99"));
    byte[] bytes = kryo.serialize(pen);
    for (int i = 0; i < 3 * KryoClassResolver.NAMES; i++) {
      assertThat(kryo.deserialize(bytes, LOADER)).isEqualTo(pen);
    }
    // a name that starts as the permitted one, and a gadget, each read twice: refused every time
    for (String name :
        List.of(
            "io.depcache.agent.serial.KryoSerializerTest$ItemX",
            "io.depcache.agent.serial.KryoSerializerTest$Ite",
            "javax.management.BadAttributeValueExpException")) {
      for (int i = 0; i < 2; i++) {
        Output out = new Output(128, -1);
        out.writeByte(KryoSerializer.FORMAT);
        out.writeByte(1);
        out.writeVarInt(0, true);
        out.writeString(name);
        out.writeBytes(new byte[16]);
        RecordingLoader loader = new RecordingLoader(LOADER);
        assertThatThrownBy(() -> kryo.deserialize(out.toBytes(), loader))
            .as(name + ", read " + (i + 1))
            .isInstanceOf(CorruptEntryException.class)
            .hasMessageContaining("class " + name + " is not allowed for deserialization");
        assertThat(loader.asked).isEmpty();
      }
    }
    assertThat(kryo.deserialize(bytes, LOADER)).isEqualTo(pen);
  }

  @Test
  void forgedSizesAreRefusedBeforeAnythingIsAllocated() {
    assertTimeoutPreemptively(
        Duration.ofSeconds(2),
        () -> {
          // ArrayList of Integer.MAX_VALUE - 1 elements, all of one class
          Output list = forged("java.util.ArrayList");
          list.writeVarIntFlag(true, Integer.MAX_VALUE, true);
          assertForged(list, "collections, maps and arrays of 2147483646 elements in all");
          Output map = forged("java.util.HashMap");
          map.writeVarInt(Integer.MAX_VALUE, true);
          assertForged(map, "collections, maps and arrays of 2147483646 elements in all");
          Output array = forged("[Ljava.lang.Object;");
          array.writeVarInt(Integer.MAX_VALUE, true);
          assertForged(array, "collections, maps and arrays of 2147483646 elements in all");
          Output bytes = forged("[B");
          bytes.writeVarInt(Integer.MAX_VALUE, true);
          assertForged(bytes, "truncated: 2147483646 bytes");
          Output longs = forged("[J");
          longs.writeVarInt(Integer.MAX_VALUE, true);
          assertForged(longs, "truncated: 2147483646 longs");
          Output string = forged("java.lang.String");
          string.writeVarIntFlag(true, Integer.MAX_VALUE, true);
          assertForged(string, "truncated: 2147483646 a string");
          // many small announcements add up
          Output nested = forged("java.util.ArrayList");
          nested.writeVarIntFlag(false, 2000, true);
          nested.writeByte(1);
          nested.writeVarInt(0, true);
          nested.writeVarIntFlag(false, 2000, true);
          assertForged(nested, "elements in all cannot come from a value of");
        });
  }

  @Test
  void bytesAfterTheValueAreACorruptEntry() {
    byte[] bytes = kryo.serialize(List.of("a"));
    byte[] longer = java.util.Arrays.copyOf(bytes, bytes.length + 1);

    assertThatThrownBy(() -> kryo.deserialize(longer, LOADER))
        .isInstanceOf(CorruptEntryException.class)
        .hasMessageContaining("1 bytes after the value");
  }

  @Test
  void serializationStopsAtTheLimitInsteadOfBufferingTheWholeValue() {
    List<String> huge = Collections.nCopies(1_000_000, "x".repeat(1000));
    List<String> gigabyte = new ArrayList<>(huge);

    assertTimeoutPreemptively(
        Duration.ofSeconds(2),
        () ->
            assertThatThrownBy(() -> kryo.serialize(gigabyte, 1024 * 1024))
                .isInstanceOf(ValueTooLargeException.class)
                .hasMessageContaining("takes more than 1048576 bytes (depcache.max-entry-bytes)"));
    assertThat(kryo.serialize(List.of("after"), 1024)).isNotEmpty();
  }

  @Test
  void realisticValuesRoundTrip() {
    allowList.allow("io.depcache.agent.serial.*");
    List<Small> list = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      list.add(new Small(i, "name" + i, i * 31L));
    }
    Set<Object> orders = new HashSet<>();
    for (int i = 0; i < 100; i++) {
      orders.add(JavaSerializerRealisticValuesTest.order(20));
    }
    Category categories = JavaSerializerRealisticValuesTest.category(8, 3, new int[1]);
    Tag tags = JavaSerializerRealisticValuesTest.tag(8, 3, new int[1]);

    for (Object value :
        List.of(JavaSerializerRealisticValuesTest.order(200), orders, list, categories, tags)) {
      byte[] bytes = kryo.serialize(value, 8 * 1024 * 1024);
      assertThat(kryo.deserialize(bytes, LOADER)).isEqualTo(value);
    }
  }

  @Test
  void threadsShareABoundedPoolOfInstances() throws Exception {
    allowList.allow("io.depcache.agent.serial.*");
    ExecutorService threads = Executors.newFixedThreadPool(16);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 16; t++) {
        int id = t;
        done.add(
            threads.submit(
                () -> {
                  for (int i = 0; i < 2_000; i++) {
                    Object value =
                        i % 2 == 0
                            ? new Item("t" + id, i, BigDecimal.valueOf(i))
                            : Map.of(id, List.of(i, "s" + i));
                    assertThat(kryo.deserialize(kryo.serialize(value), LOADER)).isEqualTo(value);
                  }
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      threads.shutdownNow();
    }
    assertThat(kryo.idle()).isBetween(1, KryoSerializer.POOLED);
  }

  @Test
  void kryoNeverUsesUnsafe() {
    assertThat(Util.unsafe).isFalse();
  }

  private void assertRefusedOnWrite(Object value, String message) {
    assertThatThrownBy(() -> kryo.serialize(value))
        .isInstanceOf(NotSerializableValueException.class)
        .hasMessageContaining("cannot be cached with depcache.serializer=kryo: ")
        .hasMessageContaining(message);
  }

  /** A value's bytes up to its first class, named. */
  private static Output forged(String className) {
    Output out = new Output(64, -1);
    out.writeByte(KryoSerializer.FORMAT);
    out.writeByte(1);
    out.writeVarInt(0, true);
    out.writeString(className);
    return out;
  }

  private void assertForged(Output out, String message) {
    out.writeBytes(new byte[16]);
    assertThatThrownBy(() -> kryo.deserialize(out.toBytes(), LOADER))
        .isInstanceOf(CorruptEntryException.class)
        .hasMessageContaining(message);
  }

  /** The bytes of {@code gen.<name>.sample()}, compiled from a source. */
  private byte[] write(String name, String source) throws Exception {
    try (URLClassLoader loader =
        GeneratedClasses.compile(tmp.resolve("before"), "gen." + name, "package gen;\n" + source)) {
      Object value = loader.loadClass("gen." + name).getMethod("sample").invoke(null);
      return kryo.serialize(value);
    }
  }

  /** The value of the bytes, read where the class is compiled from another source. */
  private Object read(byte[] bytes, String name, String source) throws Exception {
    Path dir = tmp.resolve("after" + System.nanoTime());
    try (URLClassLoader loader =
        GeneratedClasses.compile(dir, "gen." + name, "package gen;\n" + source)) {
      return kryo.deserialize(bytes, loader);
    }
  }
}
