package io.depcache.agent.serial;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.Serializable;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The shapes cached values have still read back within the bounds, with room to spare. */
class JavaSerializerRealisticValuesTest {
  private static final ClassLoader LOADER =
      JavaSerializerRealisticValuesTest.class.getClassLoader();

  /** What a realistic value may use of the bound on hashing. */
  private static final long MARGIN = StreamExpansion.EXPANSION_FLOOR / 5;

  private final AllowList allowList = new AllowList();
  private final JavaSerializer serializer = new JavaSerializer(allowList);

  enum Status {
    OPEN,
    PAID
  }

  record Address(String street, String city, String zip, String country) implements Serializable {}

  record Customer(long id, String name, String email, Address address) implements Serializable {}

  record Product(String sku, String name, BigDecimal price) implements Serializable {}

  record Line(Product product, int quantity, BigDecimal total) implements Serializable {}

  record Order(
      UUID id,
      Customer customer,
      List<Line> lines,
      Set<String> tags,
      Map<String, List<String>> attributes,
      Instant createdAt,
      LocalDate delivery,
      ZonedDateTime promised,
      Duration window,
      Status status)
      implements Serializable {}

  record Small(int id, String name, long value) implements Serializable {}

  record Category(String name, int id, List<Category> children) implements Serializable {}

  /** A tree whose nodes are hashed: each set hashes the whole subtree of each child. */
  record Tag(String name, Set<Tag> children) implements Serializable {}

  /** Parent links, as entities have them: a cycle that hash codes do not follow. */
  static final class Account implements Serializable {
    private static final long serialVersionUID = 1L;
    String id;
    final List<Entry> entries = new ArrayList<>();
  }

  static final class Entry implements Serializable {
    private static final long serialVersionUID = 1L;
    Account account;
    BigDecimal amount;
    LocalDate date;
  }

  @BeforeEach
  void allowTheValuesClasses() {
    allowList.allow("io.depcache.agent.serial.*");
  }

  @Test
  void orderWithCustomerLinesTagsAndAttributesRoundTrips() {
    Order order = order(200);

    assertThat(roundTrip(order)).isEqualTo(order);
  }

  @Test
  void setOfOrdersRoundTrips() {
    Set<Order> orders = new HashSet<>();
    for (int i = 0; i < 100; i++) {
      orders.add(order(20));
    }

    assertThat(roundTrip(orders)).isEqualTo(orders);
  }

  @Test
  void listOfTenThousandRecordsRoundTrips() {
    List<Small> list = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      list.add(new Small(i, "name" + i, i * 31L));
    }

    assertThat(roundTrip(list)).isEqualTo(list);
  }

  @Test
  void categoryTreeEightLevelsDeepRoundTrips() {
    Category tree = category(8, 3, new int[1]);

    assertThat(roundTrip(tree)).isEqualTo(tree);
  }

  @Test
  void hashedTreeEightLevelsDeepRoundTrips() {
    Tag tree = tag(8, 3, new int[1]);

    assertThat(roundTrip(tree)).isEqualTo(tree);
  }

  @Test
  void parentLinksRoundTrip() {
    Account account = new Account();
    account.id = "acc-1";
    for (int i = 0; i < 1000; i++) {
      Entry entry = new Entry();
      entry.account = account;
      entry.amount = BigDecimal.valueOf(i, 2);
      entry.date = LocalDate.of(2024, 1, 1).plusDays(i);
      account.entries.add(entry);
    }

    Account read = (Account) roundTrip(account);

    assertThat(read.entries).hasSize(1000).allSatisfy(e -> assertThat(e.account).isSameAs(read));
    assertThat(read.entries.get(999).amount).isEqualByComparingTo("9.99");
  }

  @Test
  void bigDeepTreeRoundTripsThanksToTheAllowancePerObject() {
    // 97,656 categories, 4.3 MB: deep and big, above the floor, within 16 per object
    Category tree = category(8, 5, new int[1]);
    byte[] bytes = serializer.serialize(tree);

    assertThat(StreamExpansion.expansion(bytes)).isGreaterThan(StreamExpansion.EXPANSION_FLOOR);
    assertThat(serializer.deserialize(bytes, LOADER)).isEqualTo(tree);
  }

  private Object roundTrip(Object value) {
    byte[] bytes = serializer.serialize(value);
    assertThat(StreamExpansion.expansion(bytes)).isLessThan(MARGIN);
    return serializer.deserialize(bytes, LOADER);
  }

  static Order order(int lines) {
    Customer customer =
        new Customer(
            42, "Ada Lovelace", "ada@example.com", new Address("12 Row", "London", "NW1", "GB"));
    List<Line> list = new ArrayList<>();
    for (int i = 0; i < lines; i++) {
      Product product =
          new Product("SKU-" + i, "Product " + i, new BigDecimal("19.99").add(BigDecimal.ONE));
      list.add(new Line(product, i % 5 + 1, product.price().multiply(BigDecimal.valueOf(i))));
    }
    Map<String, List<String>> attributes = new HashMap<>();
    attributes.put("gift", List.of("wrap", "card"));
    attributes.put("notes", new ArrayList<>(List.of("leave at the door")));
    return new Order(
        UUID.randomUUID(),
        customer,
        list,
        new HashSet<>(Set.of("priority", "b2c", "eu")),
        attributes,
        Instant.parse("2024-05-01T10:15:30Z"),
        LocalDate.of(2024, 5, 3),
        ZonedDateTime.of(2024, 5, 3, 12, 0, 0, 0, ZoneId.of("Europe/Paris")),
        Duration.ofHours(4),
        Status.PAID);
  }

  static Category category(int depth, int children, int[] id) {
    List<Category> list = new ArrayList<>();
    for (int i = 0; depth > 1 && i < children; i++) {
      list.add(category(depth - 1, children, id));
    }
    return new Category("category " + id[0], id[0]++, list);
  }

  static Tag tag(int depth, int children, int[] id) {
    Set<Tag> set = new HashSet<>();
    for (int i = 0; depth > 1 && i < children; i++) {
      set.add(tag(depth - 1, children, id));
    }
    return new Tag("tag " + id[0]++, set);
  }
}
