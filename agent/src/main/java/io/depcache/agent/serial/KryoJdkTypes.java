package io.depcache.agent.serial;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.serializers.DefaultSerializers;
import com.esotericsoftware.kryo.serializers.OptionalSerializers;
import com.esotericsoftware.kryo.serializers.TimeSerializers;
import io.depcache.agent.serial.KryoContainers.Sequence;
import io.depcache.agent.serial.KryoContainers.Sorted;
import io.depcache.agent.serial.KryoContainers.SortedTable;
import io.depcache.agent.serial.KryoContainers.Table;
import io.depcache.agent.serial.KryoJdkValues.View;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.MonthDay;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.Period;
import java.time.Year;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.AbstractMap;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.Currency;
import java.util.Date;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Hashtable;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NavigableSet;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.Stack;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.Vector;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * The JDK classes that the {@code kryo} serializer writes, each with a serializer that writes it
 * through its public API and makes it again through its constructor or factory: {@code BigInteger},
 * {@code BigDecimal}, the {@code java.time} value types, {@code UUID}, {@code Date}, {@code
 * Locale}, {@code Currency}, {@code URI}, {@code BitSet}, {@code Optional}, the lists, sets, queues
 * and maps of {@code java.util} and {@code java.util.concurrent}, {@code List.of} and its kin,
 * {@code Arrays.asList}, the empty, singleton, unmodifiable and synchronized collections of {@code
 * Collections}, {@code EnumSet}, {@code EnumMap}, the map entries of {@code AbstractMap}, and the
 * reverse and case-insensitive comparators. (The boxed primitives and {@code String} are Kryo's own
 * registrations.) Keyed by the exact class: a subclass is not in the table.
 */
final class KryoJdkTypes {
  private static final Map<Class<?>, Function<Kryo, Serializer<?>>> TABLE = new HashMap<>();

  static {
    scalars();
    collections();
    views();
  }

  private KryoJdkTypes() {}

  /** The serializer's factory of a JDK class, or {@code null} when there is none. */
  static Function<Kryo, Serializer<?>> of(Class<?> type) {
    return TABLE.get(type);
  }

  private static void put(Class<?> type, Function<Kryo, Serializer<?>> serializer) {
    TABLE.put(type, serializer);
  }

  private static void scalars() {
    put(BigInteger.class, k -> new DefaultSerializers.BigIntegerSerializer());
    put(BigDecimal.class, k -> new DefaultSerializers.BigDecimalSerializer());
    put(Date.class, k -> new KryoJdkValues.Millis());
    put(UUID.class, k -> new DefaultSerializers.UUIDSerializer());
    put(Locale.class, k -> new DefaultSerializers.LocaleSerializer());
    put(Currency.class, k -> new DefaultSerializers.CurrencySerializer());
    put(URI.class, k -> new DefaultSerializers.URISerializer());
    put(BitSet.class, k -> new DefaultSerializers.BitSetSerializer());
    put(Optional.class, k -> new OptionalSerializers.OptionalSerializer());
    put(OptionalInt.class, k -> new OptionalSerializers.OptionalIntSerializer());
    put(OptionalLong.class, k -> new OptionalSerializers.OptionalLongSerializer());
    put(OptionalDouble.class, k -> new OptionalSerializers.OptionalDoubleSerializer());
    put(Duration.class, k -> new TimeSerializers.DurationSerializer());
    put(Instant.class, k -> new TimeSerializers.InstantSerializer());
    put(LocalDate.class, k -> new TimeSerializers.LocalDateSerializer());
    put(LocalTime.class, k -> new TimeSerializers.LocalTimeSerializer());
    put(LocalDateTime.class, k -> new TimeSerializers.LocalDateTimeSerializer());
    put(ZoneOffset.class, k -> new TimeSerializers.ZoneOffsetSerializer());
    put(ZoneId.of("Europe/Paris").getClass(), k -> new TimeSerializers.ZoneIdSerializer());
    put(OffsetTime.class, k -> new TimeSerializers.OffsetTimeSerializer());
    put(OffsetDateTime.class, k -> new TimeSerializers.OffsetDateTimeSerializer());
    put(ZonedDateTime.class, k -> new TimeSerializers.ZonedDateTimeSerializer());
    put(Year.class, k -> new TimeSerializers.YearSerializer());
    put(YearMonth.class, k -> new TimeSerializers.YearMonthSerializer());
    put(MonthDay.class, k -> new TimeSerializers.MonthDaySerializer());
    put(Period.class, k -> new TimeSerializers.PeriodSerializer());
    Comparator<?> reverse = Collections.reverseOrder();
    put(reverse.getClass(), k -> new KryoJdkValues.Constant(reverse));
    put(
        String.CASE_INSENSITIVE_ORDER.getClass(),
        k -> new KryoJdkValues.Constant(String.CASE_INSENSITIVE_ORDER));
  }

  private static void collections() {
    sequence(ArrayList.class, ArrayList::new);
    sequence(LinkedList.class, room -> new LinkedList<>());
    sequence(ArrayDeque.class, ArrayDeque::new);
    sequence(Vector.class, Vector::new);
    sequence(Stack.class, room -> new Stack<>());
    sequence(HashSet.class, room -> new HashSet<>(hashed(room)));
    sequence(LinkedHashSet.class, room -> new LinkedHashSet<>(hashed(room)));
    sequence(CopyOnWriteArrayList.class, room -> new CopyOnWriteArrayList<>());
    sequence(CopyOnWriteArraySet.class, room -> new CopyOnWriteArraySet<>());
    sequence(ConcurrentLinkedQueue.class, room -> new ConcurrentLinkedQueue<>());
    sequence(ConcurrentLinkedDeque.class, room -> new ConcurrentLinkedDeque<>());
    put(
        TreeSet.class,
        k -> new Sorted<TreeSet<Object>>(TreeSet::comparator, (c, room) -> new TreeSet<>(c)));
    put(
        ConcurrentSkipListSet.class,
        k ->
            new Sorted<ConcurrentSkipListSet<Object>>(
                ConcurrentSkipListSet::comparator, (c, room) -> new ConcurrentSkipListSet<>(c)));
    put(
        PriorityQueue.class,
        k ->
            new Sorted<PriorityQueue<Object>>(
                PriorityQueue::comparator, (c, room) -> new PriorityQueue<>(Math.max(1, room), c)));
    table(HashMap.class, room -> new HashMap<>(hashed(room)));
    table(LinkedHashMap.class, room -> new LinkedHashMap<>(hashed(room)));
    table(Hashtable.class, room -> new Hashtable<>(hashed(room)));
    table(ConcurrentHashMap.class, room -> new ConcurrentHashMap<>(hashed(room)));
    table(IdentityHashMap.class, IdentityHashMap::new);
    put(
        TreeMap.class,
        k -> new SortedTable<TreeMap<Object, Object>>(TreeMap::comparator, TreeMap::new));
    put(
        ConcurrentSkipListMap.class,
        k ->
            new SortedTable<ConcurrentSkipListMap<Object, Object>>(
                ConcurrentSkipListMap::comparator, ConcurrentSkipListMap::new));
    put(EnumSet.class, k -> new KryoJdkValues.Enums());
    put(EnumMap.class, k -> new KryoJdkValues.EnumTable());

    Function<List<Object>, Collection<Object>> immutableList =
        list -> list.contains(null) ? list.stream().toList() : List.of(list.toArray());
    for (Class<?> type :
        List.of(
            List.of().getClass(),
            List.of(1).getClass(),
            List.of(1, 2, 3).getClass(),
            List.of(1, 2, 3, 4).subList(0, 2).getClass(),
            Arrays.asList(1).stream().toList().getClass())) {
      put(type, k -> new KryoContainers.Rebuilt(immutableList));
    }
    for (Class<?> type : List.of(Set.of().getClass(), Set.of(1).getClass())) {
      put(type, k -> new KryoContainers.Rebuilt(list -> Set.of(list.toArray())));
    }
    for (Class<?> type : List.of(Map.of().getClass(), Map.of(1, 2).getClass())) {
      put(type, k -> new KryoContainers.RebuiltTable());
    }
    put(
        Arrays.asList().getClass(),
        k -> new KryoContainers.Rebuilt(list -> Arrays.asList(list.toArray())));
    put(
        Collections.emptyList().getClass(),
        k -> new DefaultSerializers.CollectionsEmptyListSerializer());
    put(
        Collections.emptySet().getClass(),
        k -> new DefaultSerializers.CollectionsEmptySetSerializer());
    put(
        Collections.emptyMap().getClass(),
        k -> new DefaultSerializers.CollectionsEmptyMapSerializer());
    put(
        Collections.singletonList(1).getClass(),
        k -> new DefaultSerializers.CollectionsSingletonListSerializer());
    put(
        Collections.singleton(1).getClass(),
        k -> new DefaultSerializers.CollectionsSingletonSetSerializer());
    put(
        Collections.singletonMap(1, 1).getClass(),
        k -> new DefaultSerializers.CollectionsSingletonMapSerializer());
    put(AbstractMap.SimpleEntry.class, k -> new KryoJdkValues.Entry(false));
    put(AbstractMap.SimpleImmutableEntry.class, k -> new KryoJdkValues.Entry(true));
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static void sequence(Class<?> type, java.util.function.IntFunction<?> factory) {
    put(type, k -> new Sequence((java.util.function.IntFunction) factory));
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static void table(Class<?> type, java.util.function.IntFunction<?> factory) {
    put(type, k -> new Table((java.util.function.IntFunction) factory));
  }

  /** The capacity of a hash table that holds {@code size} entries without growing. */
  private static int hashed(int size) {
    return Math.max(16, (int) (size / 0.75f) + 1);
  }

  /** The unmodifiable and synchronized views of {@code Collections}, by the copy they are of. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static void views() {
    UnaryOperator<Collection> list = c -> new ArrayList<>(c);
    UnaryOperator<Collection> linked = c -> new LinkedList<>(c);
    UnaryOperator<Collection> set = c -> new LinkedHashSet<>(c);
    UnaryOperator<SortedSet> sortedSet = s -> new TreeSet<>(s);
    UnaryOperator<Map> map = m -> new LinkedHashMap<>(m);
    UnaryOperator<SortedMap> sortedMap = m -> new TreeMap<>(m);

    view(
        Collections.unmodifiableCollection(new ArrayList<>()),
        Collection.class,
        list,
        (Function<Collection, Object>) Collections::unmodifiableCollection);
    view(
        Collections.unmodifiableList(new ArrayList<>()),
        List.class,
        list,
        (Function<List, Object>) Collections::unmodifiableList);
    view(
        Collections.unmodifiableList(new LinkedList<>()),
        List.class,
        linked,
        (Function<List, Object>) Collections::unmodifiableList);
    view(
        Collections.unmodifiableSet(new HashSet<>()),
        Set.class,
        set,
        (Function<Set, Object>) Collections::unmodifiableSet);
    view(
        Collections.unmodifiableSortedSet(new TreeSet<>()),
        SortedSet.class,
        sortedSet,
        (Function<SortedSet, Object>) Collections::unmodifiableSortedSet);
    view(
        Collections.unmodifiableNavigableSet(new TreeSet<>()),
        NavigableSet.class,
        sortedSet,
        (Function<NavigableSet, Object>) Collections::unmodifiableNavigableSet);
    view(
        Collections.unmodifiableMap(new HashMap<>()),
        Map.class,
        map,
        (Function<Map, Object>) Collections::unmodifiableMap);
    view(
        Collections.unmodifiableSortedMap(new TreeMap<>()),
        SortedMap.class,
        sortedMap,
        (Function<SortedMap, Object>) Collections::unmodifiableSortedMap);
    view(
        Collections.unmodifiableNavigableMap(new TreeMap<>()),
        NavigableMap.class,
        sortedMap,
        (Function<NavigableMap, Object>) Collections::unmodifiableNavigableMap);

    // a synchronized view's lock is the view itself
    view(
        Collections.synchronizedCollection(new ArrayList<>()),
        Collection.class,
        locked(list),
        (Function<Collection, Object>) Collections::synchronizedCollection);
    view(
        Collections.synchronizedList(new ArrayList<>()),
        List.class,
        locked(list),
        (Function<List, Object>) Collections::synchronizedList);
    view(
        Collections.synchronizedList(new LinkedList<>()),
        List.class,
        locked(linked),
        (Function<List, Object>) Collections::synchronizedList);
    view(
        Collections.synchronizedSet(new HashSet<>()),
        Set.class,
        locked(set),
        (Function<Set, Object>) Collections::synchronizedSet);
    view(
        Collections.synchronizedSortedSet(new TreeSet<>()),
        SortedSet.class,
        locked(sortedSet),
        (Function<SortedSet, Object>) Collections::synchronizedSortedSet);
    view(
        Collections.synchronizedNavigableSet(new TreeSet<>()),
        NavigableSet.class,
        locked(sortedSet),
        (Function<NavigableSet, Object>) Collections::synchronizedNavigableSet);
    view(
        Collections.synchronizedMap(new HashMap<>()),
        Map.class,
        locked(map),
        (Function<Map, Object>) Collections::synchronizedMap);
    view(
        Collections.synchronizedSortedMap(new TreeMap<>()),
        SortedMap.class,
        locked(sortedMap),
        (Function<SortedMap, Object>) Collections::synchronizedSortedMap);
    view(
        Collections.synchronizedNavigableMap(new TreeMap<>()),
        NavigableMap.class,
        locked(sortedMap),
        (Function<NavigableMap, Object>) Collections::synchronizedNavigableMap);
  }

  private static <T> UnaryOperator<T> locked(UnaryOperator<T> copy) {
    return view -> {
      synchronized (view) {
        return copy.apply(view);
      }
    };
  }

  private static void view(
      Object sample, Class<?> content, UnaryOperator<?> copy, Function<?, Object> wrap) {
    Objects.requireNonNull(sample);
    put(sample.getClass(), k -> new View<>(content, copy, wrap));
  }
}
