package io.depcache.agent.serial;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoSerializable;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.serializers.DefaultArraySerializers;
import com.esotericsoftware.kryo.serializers.DefaultSerializers;
import com.esotericsoftware.kryo.serializers.EnumNameSerializer;
import com.esotericsoftware.kryo.serializers.FieldSerializer;
import com.esotericsoftware.kryo.serializers.RecordSerializer;
import io.depcache.agent.serial.KryoContainers.Sequence;
import io.depcache.agent.serial.KryoContainers.Table;
import java.util.Collection;
import java.util.Map;
import java.util.function.Function;

/**
 * Which Kryo serializer writes a class, for the {@code kryo} serializer: the one place that says
 * what it can cache.
 *
 * <p>JDK classes only from the fixed table of {@link KryoJdkTypes}, and the JDK's enums; a JDK
 * class outside it is never written field by field: a value holding one is refused when written,
 * and runs uncached ({@code java} may cache it).
 *
 * <p>Application classes (allowed by the allowlist): records through their canonical constructor,
 * enums by constant name (reordering constants keeps the entries), {@link KryoSerializable} classes
 * by their own code, collections and maps of their own through their no-argument constructor,
 * anything else field by field (Kryo's field serializer, transient fields skipped), created as
 * {@link KryoInstantiators} says. {@code Serializable} is not required.
 */
final class KryoTypes {
  private KryoTypes() {}

  /**
   * The serializer of a class, or a refusal.
   *
   * @param kryo the session that registers it
   * @param type a class the allowlist permits
   * @throws KryoRefusal when the class cannot be cached with {@code kryo}
   */
  static Serializer<?> serializer(Kryo kryo, Class<?> type) {
    if (type.isArray()) {
      return array(kryo, type);
    }
    Function<Kryo, Serializer<?>> jdk = KryoJdkTypes.of(type);
    if (jdk != null) {
      return jdk.apply(kryo);
    }
    if (type.isEnum()) {
      return new EnumNameSerializer(type.asSubclass(Enum.class));
    }
    if (JdkClasses.isJdk(type.getName())) {
      throw new KryoRefusal(
          "class "
              + type.getName()
              + " cannot be cached with depcache.serializer=kryo, which has no serializer for it"
              + " (depcache.serializer=java may cache it)");
    }
    if (type.isRecord()) {
      return new RecordSerializer<>(type);
    }
    if (KryoSerializable.class.isAssignableFrom(type)) {
      return new DefaultSerializers.KryoSerializableSerializer();
    }
    String why = KryoInstantiators.refusal(type);
    if (why != null) {
      throw new KryoRefusal(why);
    }
    if (Collection.class.isAssignableFrom(type)) {
      return new Sequence<Collection<Object>>(room -> newInstance(kryo, type));
    }
    if (Map.class.isAssignableFrom(type)) {
      return new Table<Map<Object, Object>>(room -> newInstance(kryo, type));
    }
    return new FieldSerializer<>(kryo, type);
  }

  @SuppressWarnings("unchecked")
  private static <T> T newInstance(Kryo kryo, Class<?> type) {
    return (T) kryo.newInstance(type);
  }

  private static Serializer<?> array(Kryo kryo, Class<?> type) {
    Class<?> component = type.getComponentType();
    if (!component.isPrimitive()) {
      return new KryoContainers.Refs(kryo, type);
    }
    return switch (component.getName()) {
      case "byte" -> new DefaultArraySerializers.ByteArraySerializer();
      case "int" -> new DefaultArraySerializers.IntArraySerializer();
      case "long" -> new DefaultArraySerializers.LongArraySerializer();
      case "short" -> new DefaultArraySerializers.ShortArraySerializer();
      case "char" -> new DefaultArraySerializers.CharArraySerializer();
      case "float" -> new DefaultArraySerializers.FloatArraySerializer();
      case "double" -> new DefaultArraySerializers.DoubleArraySerializer();
      default -> new DefaultArraySerializers.BooleanArraySerializer();
    };
  }
}
