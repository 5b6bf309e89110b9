package io.depcache.agent.serial;

import com.esotericsoftware.kryo.KryoException;
import java.io.Serializable;
import java.lang.reflect.Constructor;
import java.lang.reflect.Modifier;
import org.objenesis.instantiator.ObjectInstantiator;
import org.objenesis.strategy.InstantiatorStrategy;
import org.objenesis.strategy.SerializingInstantiatorStrategy;

/**
 * How the {@code kryo} serializer creates an application object that is neither a record (created
 * through its canonical constructor) nor an enum: through its no-argument constructor, whatever its
 * visibility; failing that, if the class is {@code Serializable}, as JDK serialization creates it
 * (the no-argument constructor of its first non-serializable superclass, through Objenesis, which
 * does that without {@code sun.misc.Unsafe}). Any other class is refused when a value holding it is
 * written, so no entry is stored that could not be read.
 *
 * <p>Kryo's default strategy is not used: it generates accessor classes with ReflectASM in the
 * application's class loaders.
 */
final class KryoInstantiators implements InstantiatorStrategy {
  private static final InstantiatorStrategy SERIALIZING = new SerializingInstantiatorStrategy();

  /**
   * Why objects of a class cannot be created, or {@code null} when they can.
   *
   * @param type an application class
   * @return a message naming the class
   */
  static String refusal(Class<?> type) {
    if (Modifier.isAbstract(type.getModifiers()) || type.isInterface()) {
      return "class " + type.getName() + " is abstract";
    }
    if (noArguments(type) != null || Serializable.class.isAssignableFrom(type)) {
      return null;
    }
    return "class "
        + type.getName()
        + " has no constructor without arguments and is not Serializable, so kryo cannot create"
        + " it (a record is created through its canonical constructor)";
  }

  @Override
  public <T> ObjectInstantiator<T> newInstantiatorOf(Class<T> type) {
    Constructor<T> constructor = noArguments(type);
    if (constructor != null) {
      return () -> {
        try {
          return constructor.newInstance();
        } catch (ReflectiveOperationException e) {
          throw new KryoException("cannot create " + type.getName() + ": " + e, e);
        }
      };
    }
    String why = refusal(type);
    if (why != null) {
      throw new KryoRefusal(why);
    }
    return SERIALIZING.newInstantiatorOf(type);
  }

  private static <T> Constructor<T> noArguments(Class<T> type) {
    try {
      Constructor<T> constructor = type.getDeclaredConstructor();
      constructor.setAccessible(true);
      return constructor;
    } catch (NoSuchMethodException | RuntimeException e) {
      // RuntimeException: a module that does not open the class's package
      return null;
    }
  }
}
