package io.depcache.agent.instrument;

import java.lang.annotation.Annotation;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.annotation.AnnotationDescription;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.method.ParameterDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.implementation.bytecode.constant.IntegerConstant;

/**
 * Puts each method's registry number into its advice as a constant, so that the hot path finds the
 * method's settings by array index rather than by reflection or a map lookup.
 */
final class MethodIdBinding<T extends Annotation> implements Advice.OffsetMapping.Factory<T> {
  /** Registers a method and returns its number. */
  interface Ids {
    int register(TypeDescription type, MethodDescription method);
  }

  private final Class<T> annotationType;
  private final Ids ids;

  MethodIdBinding(Class<T> annotationType, Ids ids) {
    this.annotationType = annotationType;
    this.ids = ids;
  }

  /** Distinguishes classes of the same name in different class loaders. */
  static int loaderIdentity(ClassLoader loader) {
    return loader == null ? 0 : System.identityHashCode(loader);
  }

  @Override
  public Class<T> getAnnotationType() {
    return annotationType;
  }

  @Override
  public Advice.OffsetMapping make(
      ParameterDescription.InDefinedShape target,
      AnnotationDescription.Loadable<T> annotation,
      AdviceType adviceType) {
    return (instrumentedType, instrumentedMethod, assigner, argumentHandler, sort) -> {
      int id = ids.register(instrumentedType, instrumentedMethod);
      return new Advice.OffsetMapping.Target.ForStackManipulation(IntegerConstant.forValue(id));
    };
  }
}
