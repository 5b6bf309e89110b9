package io.depcache.agent.instrument;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.pool.TypePool;
import org.junit.jupiter.api.Test;

/**
 * The generic return type goes into keys by name: the name is the one reflection gives, whether
 * Byte Buddy read the class from its file (a class being loaded) or from reflection (a loaded class
 * being retransformed), so an entry has one key however its method was instrumented.
 */
class GenericNameTest {
  /** A generic type with a generic inner class. */
  @SuppressWarnings("unused")
  static class Outer<A> {
    class Inner<B> {}
  }

  /** Return types of every sort; the bodies never run. */
  @SuppressWarnings("unused")
  abstract static class Returns<C extends Number> {
    abstract List<Long> longs();

    abstract Map<String, List<? extends Number>> nested();

    abstract Optional<String> optional();

    abstract List<? super Integer> supers();

    abstract List<?> anything();

    abstract <T extends Comparable<T>> List<T> variable();

    abstract List<C> classVariable();

    abstract List<String>[] genericArray();

    abstract Map.Entry<String, Long> entry();

    abstract Outer<String>.Inner<Long> inner();

    abstract String plain();

    abstract String[] array();

    abstract int primitive();

    @SuppressWarnings("rawtypes")
    abstract List raw();
  }

  @Test
  void theGenericNameIsReflectionsWhicheverWayTheClassWasRead() {
    TypeDescription fromFile =
        TypePool.Default.of(ClassFileLocator.ForClassLoader.of(Returns.class.getClassLoader()))
            .describe(Returns.class.getName())
            .resolve();
    for (Method method : Returns.class.getDeclaredMethods()) {
      String expected = method.getGenericReturnType().getTypeName();
      MethodDescription loaded = new MethodDescription.ForLoadedMethod(method);
      MethodDescription read =
          fromFile
              .getDeclaredMethods()
              .filter(
                  m ->
                      m.getName().equals(method.getName())
                          && m.getDescriptor().equals(loaded.getDescriptor()))
              .getOnly();
      assertThat(GenericName.of(loaded.getReturnType()))
          .as("%s, described by reflection", method.getName())
          .isEqualTo(expected);
      assertThat(GenericName.of(read.getReturnType()))
          .as("%s, read from the class file", method.getName())
          .isEqualTo(expected);
    }
  }

  @Test
  void theGenericNameOfANonGenericTypeIsItsErasure() throws Exception {
    for (String name : List.of("plain", "array", "primitive", "raw")) {
      Method method = Returns.class.getDeclaredMethod(name);
      assertThat(GenericName.of(new MethodDescription.ForLoadedMethod(method).getReturnType()))
          .isEqualTo(method.getReturnType().getTypeName());
    }
    Method longs = Returns.class.getDeclaredMethod("longs");
    assertThat(GenericName.of(new MethodDescription.ForLoadedMethod(longs).getReturnType()))
        .isEqualTo("java.util.List<java.lang.Long>");
  }
}
