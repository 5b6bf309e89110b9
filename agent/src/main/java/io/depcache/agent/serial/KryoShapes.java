package io.depcache.agent.serial;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.esotericsoftware.kryo.KryoSerializable;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32C;

/**
 * The shape of an application class as the {@code kryo} format depends on it, as a 32-bit
 * fingerprint that an entry carries beside the class's name, so that an entry written before the
 * class changed is a miss instead of a value read into the wrong fields.
 *
 * <p>Kryo writes no field names: a record's components go in the order of their names, a class's
 * fields likewise, and a value whose declared type is final (a record, a {@code String}) goes
 * without its class name at all. A shape is therefore the written components or fields, each with
 * its name and generic type, followed by the shape of every application class those types name
 * (recursively; a class already being described counts by its name). Enums are written by constant
 * name and have one shape whatever their constants, so adding one keeps the entries; a {@link
 * KryoSerializable} class writes what it likes and is known by its name. JDK classes carry no
 * fingerprint: their format is the serializer's own, versioned with {@link KryoSerializer#FORMAT}.
 *
 * <p>Computed once per class, by reflection (which loads the types the class declares, as Kryo's
 * own field access does; it initializes none), and kept in a {@link ClassValue}, whose value holds
 * no reference back to the class.
 */
final class KryoShapes {
  private static final ClassValue<Integer> FINGERPRINTS =
      new ClassValue<>() {
        @Override
        protected Integer computeValue(Class<?> type) {
          StringBuilder shape = new StringBuilder();
          describe(type, new HashSet<>(), shape);
          CRC32C crc = new CRC32C();
          crc.update(shape.toString().getBytes(UTF_8));
          return (int) crc.getValue();
        }
      };

  private KryoShapes() {}

  /** The fingerprint of a class that is not the JDK's. */
  static int fingerprint(Class<?> type) {
    return FINGERPRINTS.get(type);
  }

  /** Whether a class name is one whose entries carry a fingerprint. */
  static boolean fingerprinted(String name) {
    return !JdkClasses.isJdk(elementName(name)) && !isPrimitiveArray(name);
  }

  private static void describe(Class<?> type, Set<Class<?>> seen, StringBuilder out) {
    out.append(type.getName());
    if (!seen.add(type)) {
      return;
    }
    if (type.isArray()) {
      out.append('[');
      mentioned(type.getComponentType(), seen, out);
    } else if (type.isEnum()) {
      out.append(" enum");
    } else if (KryoSerializable.class.isAssignableFrom(type)) {
      out.append(" custom");
    } else if (type.isRecord()) {
      out.append(" record(");
      RecordComponent[] components = type.getRecordComponents();
      List<RecordComponent> sorted = new ArrayList<>(List.of(components));
      sorted.sort(Comparator.comparing(RecordComponent::getName));
      for (RecordComponent c : sorted) {
        member(c.getName(), c.getGenericType(), seen, out);
      }
      out.append(')');
    } else if (Collection.class.isAssignableFrom(type)) {
      out.append(" collection");
    } else if (Map.class.isAssignableFrom(type)) {
      out.append(" map");
    } else {
      out.append(" fields(");
      for (Field f : fields(type)) {
        member(f.getName(), f.getGenericType(), seen, out);
      }
      out.append(')');
    }
  }

  private static void member(String name, Type type, Set<Class<?>> seen, StringBuilder out) {
    out.append(name).append(':').append(type.getTypeName()).append(';');
    List<Class<?>> named = new ArrayList<>();
    classesIn(type, named, new HashSet<>());
    for (Class<?> c : named) {
      mentioned(c, seen, out);
    }
  }

  private static void mentioned(Class<?> type, Set<Class<?>> seen, StringBuilder out) {
    if (!type.isPrimitive() && fingerprinted(type.getName())) {
      out.append('{');
      describe(type, seen, out);
      out.append('}');
    }
  }

  /** The fields Kryo's field serializer writes, in its order: by name, over the hierarchy. */
  static List<Field> fields(Class<?> type) {
    List<Field> fields = new ArrayList<>();
    for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
      for (Field f : c.getDeclaredFields()) {
        int modifiers = f.getModifiers();
        if (!Modifier.isStatic(modifiers) && !Modifier.isTransient(modifiers) && !f.isSynthetic()) {
          fields.add(f);
        }
      }
    }
    fields.sort(Comparator.comparing(Field::getName));
    return fields;
  }

  private static void classesIn(Type type, List<Class<?>> out, Set<Type> seen) {
    if (!seen.add(type)) {
      return;
    }
    if (type instanceof Class<?> c) {
      out.add(c);
    } else if (type instanceof ParameterizedType p) {
      classesIn(p.getRawType(), out, seen);
      for (Type argument : p.getActualTypeArguments()) {
        classesIn(argument, out, seen);
      }
    } else if (type instanceof GenericArrayType a) {
      classesIn(a.getGenericComponentType(), out, seen);
    } else if (type instanceof WildcardType w) {
      for (Type bound : w.getUpperBounds()) {
        classesIn(bound, out, seen);
      }
      for (Type bound : w.getLowerBounds()) {
        classesIn(bound, out, seen);
      }
    } else if (type instanceof TypeVariable<?> v) {
      for (Type bound : v.getBounds()) {
        classesIn(bound, out, seen);
      }
    }
  }

  /** The element type's name of an array's name ({@code [Lcom.x.A;} gives {@code com.x.A}). */
  static String elementName(String name) {
    int i = 0;
    while (i < name.length() && name.charAt(i) == '[') {
      i++;
    }
    if (i > 0 && i < name.length() && name.charAt(i) == 'L' && name.endsWith(";")) {
      return name.substring(i + 1, name.length() - 1);
    }
    return name;
  }

  private static boolean isPrimitiveArray(String name) {
    return name.startsWith("[") && name.charAt(name.lastIndexOf('[') + 1) != 'L';
  }
}
