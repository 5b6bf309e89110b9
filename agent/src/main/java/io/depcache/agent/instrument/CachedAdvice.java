package io.depcache.agent.instrument;

import io.depcache.bridge.Bridge;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;

/**
 * Inlined into every cached method: a hit skips the body and returns (or throws) the cached result;
 * a miss runs the body and stores what it returns. Each side is one call into the bridge, and
 * {@code suppress} keeps any fault of ours away from the application.
 */
final class CachedAdvice {
  private CachedAdvice() {}

  @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class, suppress = Throwable.class)
  static boolean enter(
      @MethodId int methodId,
      @Advice.Origin Class<?> owner,
      @Advice.This(optional = true) Object self,
      @Advice.AllArguments Object[] args,
      @Advice.Local("depcacheCall") Object call) {
    call = Bridge.enter(methodId, owner, self, args);
    return Bridge.isHit(call);
  }

  @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
  static void exit(
      @Advice.Local("depcacheCall") Object call,
      @Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object returned,
      @Advice.Thrown(readOnly = false) Throwable thrown) {
    if (call != null) {
      // exit first: a failing store under on-error=fail becomes the call's exception.
      Throwable outcome = thrown;
      returned = Bridge.exit(call, returned, thrown);
      thrown = Bridge.thrown(call, outcome);
    }
  }
}
