package io.depcache.agent.serial;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Registration;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import java.util.AbstractMap;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * The {@code kryo} serializers of JDK values that are not plain containers: the views of {@code
 * Collections}, map entries, {@code EnumSet} and {@code EnumMap} by constant name, stateless
 * singletons and {@code Date}. Each writes through the value's public API and makes it again
 * through a constructor or factory, never by setting the JDK's private fields.
 */
final class KryoJdkValues {
  private KryoJdkValues() {}

  /**
   * A view such as {@code Collections.unmodifiableList}: the content is written as a plain copy (a
   * class of the list above), read back and wrapped again, since the view's own fields belong to
   * the JDK.
   */
  static final class View<V> extends Serializer<V> {
    private final Class<?> content;
    private final UnaryOperator<Object> copy;
    private final Function<Object, V> wrap;

    @SuppressWarnings("unchecked")
    View(Class<?> content, UnaryOperator<?> copy, Function<?, V> wrap) {
      this.content = content;
      this.copy = (UnaryOperator<Object>) copy;
      this.wrap = (Function<Object, V>) wrap;
    }

    @Override
    public void write(Kryo kryo, Output output, V view) {
      kryo.writeClassAndObject(output, copy.apply(view));
    }

    @Override
    public V read(Kryo kryo, Input input, Class<? extends V> type) {
      Object inner = kryo.readClassAndObject(input);
      if (!content.isInstance(inner)) {
        throw new KryoException("a view of " + content.getName() + " holds " + name(inner));
      }
      return wrap.apply(inner);
    }
  }

  /** A map entry of {@code AbstractMap}: key and value. */
  static final class Entry extends Serializer<Map.Entry<Object, Object>> {
    private final boolean immutable;

    Entry(boolean immutable) {
      this.immutable = immutable;
    }

    @Override
    public void write(Kryo kryo, Output output, Map.Entry<Object, Object> entry) {
      kryo.writeClassAndObject(output, entry.getKey());
      kryo.writeClassAndObject(output, entry.getValue());
    }

    @Override
    public Map.Entry<Object, Object> read(
        Kryo kryo, Input input, Class<? extends Map.Entry<Object, Object>> type) {
      Object key = kryo.readClassAndObject(input);
      Object value = kryo.readClassAndObject(input);
      return immutable
          ? new AbstractMap.SimpleImmutableEntry<>(key, value)
          : new AbstractMap.SimpleEntry<>(key, value);
    }
  }

  /** An {@code EnumSet}: its enum, then its constants by name. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  static final class Enums extends Serializer<EnumSet> {
    @Override
    public void write(Kryo kryo, Output output, EnumSet set) {
      EnumSet<?> some = set.isEmpty() ? EnumSet.complementOf(set) : set;
      if (some.isEmpty()) {
        throw new KryoRefusal("an EnumSet of an enum without constants cannot be cached");
      }
      Class<?> type = ((Enum<?>) some.iterator().next()).getDeclaringClass();
      kryo.writeClass(output, type);
      output.writeVarInt(set.size(), true);
      for (Object e : set) {
        output.writeString(((Enum<?>) e).name());
      }
    }

    @Override
    public EnumSet read(Kryo kryo, Input input, Class<? extends EnumSet> type) {
      Class enumType = enumOf(kryo.readClass(input));
      EnumSet set = EnumSet.noneOf(enumType);
      int size = input.readVarInt(true);
      KryoSession.of(kryo).elements(size);
      for (int i = 0; i < size; i++) {
        set.add(constant(enumType, input.readString()));
      }
      return set;
    }
  }

  /** A non-empty {@code EnumMap}: its enum, then each constant's name and value. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  static final class EnumTable extends Serializer<EnumMap> {
    @Override
    public void write(Kryo kryo, Output output, EnumMap map) {
      if (map.isEmpty()) {
        throw new KryoRefusal("an empty EnumMap cannot be cached with kryo (its enum is unknown)");
      }
      Class<?> type = ((Enum<?>) map.keySet().iterator().next()).getDeclaringClass();
      kryo.writeClass(output, type);
      output.writeVarInt(map.size(), true);
      for (Object o : map.entrySet()) {
        Map.Entry<Enum<?>, Object> e = (Map.Entry<Enum<?>, Object>) o;
        output.writeString(e.getKey().name());
        kryo.writeClassAndObject(output, e.getValue());
      }
    }

    @Override
    public EnumMap read(Kryo kryo, Input input, Class<? extends EnumMap> type) {
      Class enumType = enumOf(kryo.readClass(input));
      EnumMap map = new EnumMap(enumType);
      int size = input.readVarInt(true);
      KryoSession.of(kryo).elements(size);
      for (int i = 0; i < size; i++) {
        Enum key = constant(enumType, input.readString());
        map.put(key, kryo.readClassAndObject(input));
      }
      return map;
    }
  }

  /** One instance of a class that has no state, such as {@code Comparator.reverseOrder()}. */
  static final class Constant extends Serializer<Object> {
    private final Object instance;

    Constant(Object instance) {
      super(false, true);
      this.instance = instance;
    }

    @Override
    public void write(Kryo kryo, Output output, Object object) {}

    @Override
    public Object read(Kryo kryo, Input input, Class<?> type) {
      return instance;
    }
  }

  /** {@code java.util.Date}, as its milliseconds. */
  static final class Millis extends Serializer<java.util.Date> {
    @Override
    public void write(Kryo kryo, Output output, java.util.Date date) {
      output.writeVarLong(date.getTime(), false);
    }

    @Override
    public java.util.Date read(Kryo kryo, Input input, Class<? extends java.util.Date> type) {
      return new java.util.Date(input.readVarLong(false));
    }
  }

  private static Class<?> enumOf(Registration registration) {
    if (registration == null || !registration.getType().isEnum()) {
      throw new KryoException("an enum container of a class that is not an enum");
    }
    return registration.getType();
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Enum constant(Class type, String name) {
    try {
      return Enum.valueOf(type, name);
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new KryoException("enum " + type.getName() + " has no constant " + name);
    }
  }

  private static String name(Object o) {
    return o == null ? "null" : o.getClass().getName();
  }
}
