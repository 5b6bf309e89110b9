package io.depcache.agent.serial;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.serializers.CollectionSerializer;
import com.esotericsoftware.kryo.serializers.DefaultArraySerializers.ObjectArraySerializer;
import com.esotericsoftware.kryo.serializers.MapSerializer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * The {@code kryo} serializers of collections, maps and arrays, each of which makes its container
 * itself (never through a constructor Kryo finds by reflection) and only after {@link KryoSession}
 * has counted its announced size against the value's bytes: a planted size of 2^31 is refused
 * before anything is allocated, and a container never starts with more room than the bytes that
 * remain could fill.
 */
final class KryoContainers {
  private KryoContainers() {}

  /** The capacity to start a container with: what it announced, at most what the bytes can hold. */
  static int room(Kryo kryo, Input input, int size) {
    KryoSession.of(kryo).elements(size);
    return Math.max(0, Math.min(size, input.limit() - input.position()));
  }

  /** A collection made by a factory given its starting capacity. */
  static final class Sequence<C extends Collection<Object>> extends CollectionSerializer<C> {
    private final IntFunction<C> factory;

    Sequence(IntFunction<C> factory) {
      this.factory = factory;
    }

    @Override
    protected C create(Kryo kryo, Input input, Class<? extends C> type, int size) {
      return factory.apply(room(kryo, input, size));
    }
  }

  /** A sorted collection: its comparator first (an allowed class, or none), then the elements. */
  static final class Sorted<C extends Collection<Object>> extends CollectionSerializer<C> {
    private final Function<C, Comparator<?>> comparator;
    private final BiFunction<Comparator<Object>, Integer, C> factory;

    Sorted(
        Function<C, Comparator<?>> comparator, BiFunction<Comparator<Object>, Integer, C> factory) {
      this.comparator = comparator;
      this.factory = factory;
    }

    @Override
    protected void writeHeader(Kryo kryo, Output output, C collection) {
      kryo.writeClassAndObject(output, comparator.apply(collection));
    }

    @Override
    @SuppressWarnings("unchecked")
    protected C create(Kryo kryo, Input input, Class<? extends C> type, int size) {
      Comparator<Object> order = comparatorOf(kryo.readClassAndObject(input));
      return factory.apply(order, room(kryo, input, size));
    }
  }

  /** A map made by a factory given its starting capacity. */
  static final class Table<M extends Map<Object, Object>> extends MapSerializer<M> {
    private final IntFunction<M> factory;

    Table(IntFunction<M> factory) {
      this.factory = factory;
    }

    @Override
    protected M create(Kryo kryo, Input input, Class<? extends M> type, int size) {
      return factory.apply(room(kryo, input, size));
    }
  }

  /** A sorted map: its comparator first, then the entries. */
  static final class SortedTable<M extends Map<Object, Object>> extends MapSerializer<M> {
    private final Function<M, Comparator<?>> comparator;
    private final Function<Comparator<Object>, M> factory;

    SortedTable(Function<M, Comparator<?>> comparator, Function<Comparator<Object>, M> factory) {
      this.comparator = comparator;
      this.factory = factory;
    }

    @Override
    protected void writeHeader(Kryo kryo, Output output, M map) {
      kryo.writeClassAndObject(output, comparator.apply(map));
    }

    @Override
    protected M create(Kryo kryo, Input input, Class<? extends M> type, int size) {
      Comparator<Object> order = comparatorOf(kryo.readClassAndObject(input));
      room(kryo, input, size);
      return factory.apply(order);
    }
  }

  /**
   * A collection read into a list, then turned into what it was ({@code List.of}, {@code
   * Arrays.asList}, ...). The list allows nulls: {@code Stream.toList()} makes immutable lists that
   * hold them.
   */
  static final class Rebuilt extends CollectionSerializer<Collection<Object>> {
    private final Function<List<Object>, Collection<Object>> rebuild;

    Rebuilt(Function<List<Object>, Collection<Object>> rebuild) {
      this.rebuild = rebuild;
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    protected Collection<Object> create(
        Kryo kryo, Input input, Class<? extends Collection<Object>> type, int size) {
      return (Collection) new ArrayList<>(room(kryo, input, size));
    }

    @Override
    @SuppressWarnings("unchecked")
    public Collection<Object> read(
        Kryo kryo, Input input, Class<? extends Collection<Object>> type) {
      Collection<Object> list = super.read(kryo, input, type);
      return list == null ? null : rebuild.apply((List<Object>) list);
    }
  }

  /** An immutable map, read into a map first. */
  static final class RebuiltTable extends MapSerializer<Map<Object, Object>> {
    @Override
    protected Map<Object, Object> create(
        Kryo kryo, Input input, Class<? extends Map<Object, Object>> type, int size) {
      return new LinkedHashMap<>(room(kryo, input, size));
    }

    @Override
    public Map<Object, Object> read(
        Kryo kryo, Input input, Class<? extends Map<Object, Object>> type) {
      Map<Object, Object> map = super.read(kryo, input, type);
      return map == null ? null : Map.copyOf(map);
    }
  }

  /** Arrays of references, their length counted before the array is made. */
  static final class Refs extends ObjectArraySerializer {
    Refs(Kryo kryo, Class<?> type) {
      super(kryo, type);
    }

    @Override
    public Object[] read(Kryo kryo, Input input, Class type) {
      int start = input.position();
      int length = input.readVarInt(true) - 1;
      input.setPosition(start);
      if (length > 0) {
        room(kryo, input, length);
      }
      return super.read(kryo, input, type);
    }
  }

  @SuppressWarnings("unchecked")
  private static Comparator<Object> comparatorOf(Object read) {
    if (read != null && !(read instanceof Comparator)) {
      throw new KryoException("a sorted container's comparator is a " + name(read));
    }
    return (Comparator<Object>) read;
  }

  private static String name(Object o) {
    return o == null ? "null" : o.getClass().getName();
  }
}
