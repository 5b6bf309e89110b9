package io.depcache.agent.serial;

import com.esotericsoftware.kryo.ClassResolver;
import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Registration;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.util.IdentityMap;
import com.esotericsoftware.kryo.util.IdentityObjectIntMap;
import java.lang.reflect.Proxy;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;

/**
 * Kryo's classes by name, registered when the allowlist permits them: the one place where a class
 * name of the {@code kryo} format becomes a class.
 *
 * <p>Kryo normally writes a registered class as its registration number, which depends on the order
 * of registration and so differs between JVMs that met the classes in another order. This resolver
 * writes names instead, as JDK serialization does: a class's first occurrence in a value is its
 * name (and, for an application class, its {@link KryoShapes shape's fingerprint}), later ones the
 * index of that first occurrence. Nothing carries over from one value to the next, so an entry
 * reads the same in every JVM.
 *
 * <p>Registration is required, and happens on first use: writing a class the allowlist does not
 * permit, or one that {@link KryoTypes} has no serializer for, fails at once instead of storing an
 * entry no JVM could read. Reading checks the name before anything is loaded: a name outside the
 * list is refused without the class loader ever hearing of it.
 */
final class KryoClassResolver implements ClassResolver {
  private static final int NULL = Kryo.NULL; // 0
  private static final int NAME = 1;

  /** The number of a registration that is written by name. */
  private static final int UNNUMBERED = -1;

  /** Names remembered at most: more distinct classes than values usually hold in all. */
  private static final int MAX_LOADED = 512;

  /** Longer than any real binary name: a planted one is refused unread. */
  private static final int MAX_NAME = 1024;

  private final AllowList allowList;
  private Kryo kryo;
  private final IdentityMap<Class<?>, Registration> registrations = new IdentityMap<>();

  // names resolved by one loader, the last one that read through this instance
  private final Map<String, Class<?>> loaded = new HashMap<>();

  /** Names read and permitted lately, as their encoded bytes, replaced in turn. */
  static final int NAMES = 32;

  private final byte[][] nameBytes = new byte[NAMES][];
  private final String[] names = new String[NAMES];
  private int nextName;
  private ClassLoader loadedBy;

  // one value's names, both ways
  private final IdentityObjectIntMap<Class<?>> written = new IdentityObjectIntMap<>();
  private int nextWritten;
  private Registration[] read = new Registration[8];
  private int nextRead;

  KryoClassResolver(AllowList allowList) {
    this.allowList = allowList;
  }

  @Override
  public void setKryo(Kryo kryo) {
    this.kryo = kryo;
  }

  /** Kryo's constructor registers the primitives and {@code String}; those are kept by class. */
  @Override
  public Registration register(Registration registration) {
    registrations.put(registration.getType(), registration);
    Class<?> wrapper = wrapper(registration.getType());
    if (wrapper != registration.getType()) {
      registrations.put(wrapper, registration);
    }
    return registration;
  }

  @Override
  public Registration unregister(int classId) {
    return null;
  }

  @Override
  public Registration registerImplicit(Class type) {
    // only called when registration is not required
    throw new KryoRefusal("class " + type.getName() + " is not registered");
  }

  /**
   * The registration of a class, made on first use if the allowlist permits it. Returns {@code
   * null} for the classes that Kryo maps to another one's registration itself (an enum constant
   * with a body, an {@code EnumSet}'s implementation), so that it asks again for that one.
   */
  @Override
  public Registration getRegistration(Class type) {
    Registration registration = registrations.get(type);
    if (registration != null || type.isPrimitive() || type == String.class) {
      // Kryo's constructor registers those, asking first whether they are
      return registration;
    }
    if (Proxy.isProxyClass(type)) {
      throw new KryoRefusal("dynamic proxy classes are not allowed for deserialization");
    }
    if (kryo.isClosure(type)) {
      throw new KryoRefusal("a lambda (" + type.getName() + ") cannot be cached");
    }
    if ((Enum.class.isAssignableFrom(type) && !type.isEnum() && type != Enum.class)
        || (EnumSet.class.isAssignableFrom(type) && type != EnumSet.class)) {
      return null;
    }
    String why = refusal(type.getName());
    if (why != null) {
      throw new KryoRefusal(why);
    }
    registration = new Registration(type, kryo.getDefaultSerializer(type), UNNUMBERED);
    registrations.put(type, registration);
    return registration;
  }

  @Override
  public Registration getRegistration(int classId) {
    return null;
  }

  @Override
  public Registration writeClass(Output output, Class type) {
    if (type == null) {
      output.writeByte(NULL);
      return null;
    }
    Registration registration = kryo.getRegistration(type);
    output.writeByte(NAME);
    // the class an enum constant or an EnumSet stands for; a boxed primitive as itself
    Class<?> named = registration.getType().isPrimitive() ? type : registration.getType();
    int index = written.get(named, -1);
    if (index >= 0) {
      output.writeVarInt(index, true);
      return registration;
    }
    written.put(named, nextWritten);
    output.writeVarInt(nextWritten++, true);
    output.writeString(named.getName());
    if (KryoShapes.fingerprinted(named.getName())) {
      output.writeInt(KryoShapes.fingerprint(named));
    }
    return registration;
  }

  @Override
  public Registration readClass(Input input) {
    int tag = input.readVarInt(true);
    if (tag == NULL) {
      return null;
    }
    if (tag != NAME) {
      throw new KryoException("unknown class tag " + tag);
    }
    int index = input.readVarInt(true);
    if (index < 0) {
      throw new KryoException("malformed class reference");
    }
    if (index < nextRead) {
      return read[index];
    }
    if (index != nextRead) {
      throw new KryoException("class reference " + index + " before its name");
    }
    String name = readPermittedName(input);
    boolean fingerprinted = KryoShapes.fingerprinted(name);
    int fingerprint = fingerprinted ? input.readInt() : 0;
    Class<?> type = load(name);
    if (fingerprinted && fingerprint != KryoShapes.fingerprint(type)) {
      throw new KryoRefusal(
          "class "
              + name
              + " no longer matches the cached value: its fields or components changed since it"
              + " was written");
    }
    Registration registration = kryo.getRegistration(type);
    if (nextRead == read.length) {
      read = Arrays.copyOf(read, nextRead * 2);
    }
    read[nextRead++] = registration;
    return registration;
  }

  /**
   * The next class name, checked against the allowlist. A name this resolver read and permitted
   * before is recognised by its bytes in the entry (the string encoding is self-delimiting, so
   * equal bytes are the same name), and neither decoded nor checked again: the allowlist only ever
   * grows, so a name it permitted stays permitted.
   */
  private String readPermittedName(Input input) {
    byte[] buffer = input.getBuffer();
    int at = input.position();
    int limit = input.limit();
    for (int i = 0; i < NAMES && nameBytes[i] != null; i++) {
      byte[] known = nameBytes[i];
      int end = at + known.length;
      if (end <= limit && Arrays.equals(buffer, at, end, known, 0, known.length)) {
        input.setPosition(end);
        return names[i];
      }
    }
    String name = input.readString();
    if (name == null || name.isEmpty() || name.length() > MAX_NAME) {
      throw new KryoException("malformed class name");
    }
    String why = refusal(name);
    if (why != null) {
      throw new KryoRefusal(why);
    }
    if (input.getBuffer() == buffer && input.position() > at) {
      nameBytes[nextName] = Arrays.copyOfRange(buffer, at, input.position());
      names[nextName] = name;
      nextName = (nextName + 1) % NAMES;
    }
    return name;
  }

  /**
   * The class of a name, as the cached method's loader resolves it. Remembered for the next values
   * read with the same loader, since a loader answers a name with the same class once it has: the
   * lookup costs about a tenth of reading a small DTO otherwise.
   */
  private Class<?> load(String name) {
    ClassLoader loader = KryoSession.of(kryo).loader();
    if (loader != loadedBy) {
      loaded.clear();
      loadedBy = loader;
    }
    Class<?> type = loaded.get(name);
    if (type != null) {
      return type;
    }
    try {
      type = Class.forName(name, false, loader);
    } catch (ClassNotFoundException | LinkageError e) {
      throw new KryoRefusal("class " + name + " of the cached value cannot be found by " + loader);
    }
    if (loaded.size() >= MAX_LOADED) {
      loaded.clear();
    }
    loaded.put(name, type);
    return type;
  }

  /**
   * Why a class may not be written or read, or {@code null}: decided from its name alone, before
   * anything is loaded. A permitted JDK class that {@link KryoTypes} has no serializer for is
   * refused once loaded (the allowlist already vouches for loading it).
   */
  private String refusal(String name) {
    return allowList.permits(name) ? null : AllowList.notAllowed(KryoShapes.elementName(name));
  }

  @Override
  public void reset() {
    if (nextWritten > 0) {
      written.clear(64);
      nextWritten = 0;
    }
    if (nextRead > 0) {
      Arrays.fill(read, 0, nextRead, null);
      nextRead = 0;
    }
  }

  private static Class<?> wrapper(Class<?> type) {
    if (!type.isPrimitive()) {
      return type;
    }
    return switch (type.getName()) {
      case "int" -> Integer.class;
      case "long" -> Long.class;
      case "float" -> Float.class;
      case "double" -> Double.class;
      case "boolean" -> Boolean.class;
      case "byte" -> Byte.class;
      case "char" -> Character.class;
      case "short" -> Short.class;
      default -> type;
    };
  }
}
