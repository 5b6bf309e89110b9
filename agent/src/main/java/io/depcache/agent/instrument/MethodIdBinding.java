package io.depcache.agent.instrument;

import io.depcache.agent.runtime.MethodRegistry;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.annotation.AnnotationDescription;
import net.bytebuddy.description.method.ParameterDescription;
import net.bytebuddy.implementation.bytecode.constant.IntegerConstant;

/**
 * Puts each method's registry number into its advice as a constant, so that the hot path finds the
 * method's settings by array index rather than by reflection or a map lookup.
 */
final class MethodIdBinding implements Advice.OffsetMapping.Factory<MethodId> {
  private final MethodRegistry registry;
  private final int loaderIdentity;

  MethodIdBinding(MethodRegistry registry, ClassLoader loader) {
    this.registry = registry;
    this.loaderIdentity = loader == null ? 0 : System.identityHashCode(loader);
  }

  @Override
  public Class<MethodId> getAnnotationType() {
    return MethodId.class;
  }

  @Override
  public Advice.OffsetMapping make(
      ParameterDescription.InDefinedShape target,
      AnnotationDescription.Loadable<MethodId> annotation,
      AdviceType adviceType) {
    return (instrumentedType, instrumentedMethod, assigner, argumentHandler, sort) -> {
      int id =
          registry.register(SpecReader.read(instrumentedType, instrumentedMethod), loaderIdentity);
      return new Advice.OffsetMapping.Target.ForStackManipulation(IntegerConstant.forValue(id));
    };
  }
}
