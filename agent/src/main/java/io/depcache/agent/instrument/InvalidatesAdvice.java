package io.depcache.agent.instrument;

import io.depcache.bridge.Bridge;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;

/**
 * Inlined into every invalidating method: after a normal return, one call into the bridge
 * invalidates the method's dependencies; after a throw, nothing happens. The arguments are taken on
 * entry, so that a body that reassigns a parameter does not change what is invalidated.
 */
final class InvalidatesAdvice {
  private InvalidatesAdvice() {}

  @Advice.OnMethodEnter(suppress = Throwable.class)
  static Object[] enter(@Advice.AllArguments Object[] args) {
    return args;
  }

  @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
  static void exit(
      @InvalidationId int invalidationId,
      @Advice.Origin Class<?> owner,
      @Advice.Enter Object[] args,
      @Advice.Return(typing = Assigner.Typing.DYNAMIC) Object returned,
      @Advice.Thrown Throwable thrown) {
    if (thrown == null) {
      Bridge.invalidate(invalidationId, owner, args, returned);
    }
  }
}
