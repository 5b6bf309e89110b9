package io.depcache.agent.instrument;

import io.depcache.bridge.Bridge;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.description.type.TypeList;
import net.bytebuddy.implementation.bytecode.assign.Assigner;

/**
 * Inlined into every cached method: a hit skips the body and returns (or throws) the cached result;
 * a miss runs the body and stores what it returns. Each side is one call into the bridge, and
 * {@code suppress} keeps any fault of ours away from the application.
 *
 * <p>This class's advice passes the arguments as an array, for methods of more than three; the
 * nested classes pass up to three one by one, and a single {@code long} or {@code int} unboxed, so
 * that a hit of such a method allocates nothing ({@link #forMethod} picks one).
 */
final class CachedAdvice {
  private CachedAdvice() {}

  /** The advice for a method of these parameters. */
  static Class<?> forMethod(MethodDescription method) {
    TypeList.Generic types = method.getParameters().asTypeList();
    switch (types.size()) {
      case 0:
        return NoArguments.class;
      case 1:
        TypeDescription.Generic type = types.get(0);
        if (type.represents(long.class)) {
          return OneLong.class;
        }
        return type.represents(int.class) ? OneInt.class : OneArgument.class;
      case 2:
        return TwoArguments.class;
      case 3:
        return ThreeArguments.class;
      default:
        return CachedAdvice.class;
    }
  }

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

  /** A method without arguments. */
  static final class NoArguments {
    private NoArguments() {}

    @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class, suppress = Throwable.class)
    static boolean enter(
        @MethodId int methodId,
        @Advice.Origin Class<?> owner,
        @Advice.Local("depcacheCall") Object call) {
      call = Bridge.enter0(methodId, owner);
      return Bridge.isHit(call);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(
        @Advice.Local("depcacheCall") Object call,
        @Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object returned,
        @Advice.Thrown(readOnly = false) Throwable thrown) {
      if (call != null) {
        Throwable outcome = thrown;
        returned = Bridge.exit(call, returned, thrown);
        thrown = Bridge.thrown(call, outcome);
      }
    }
  }

  /** A method of one argument (a primitive other than long and int boxed). */
  static final class OneArgument {
    private OneArgument() {}

    @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class, suppress = Throwable.class)
    static boolean enter(
        @MethodId int methodId,
        @Advice.Origin Class<?> owner,
        @Advice.Argument(value = 0, typing = Assigner.Typing.DYNAMIC) Object a0,
        @Advice.Local("depcacheCall") Object call) {
      call = Bridge.enter1(methodId, owner, a0);
      return Bridge.isHit(call);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(
        @Advice.Local("depcacheCall") Object call,
        @Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object returned,
        @Advice.Thrown(readOnly = false) Throwable thrown) {
      if (call != null) {
        Throwable outcome = thrown;
        returned = Bridge.exit(call, returned, thrown);
        thrown = Bridge.thrown(call, outcome);
      }
    }
  }

  /** A method of one {@code long} argument: not boxed. */
  static final class OneLong {
    private OneLong() {}

    @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class, suppress = Throwable.class)
    static boolean enter(
        @MethodId int methodId,
        @Advice.Origin Class<?> owner,
        @Advice.Argument(0) long a0,
        @Advice.Local("depcacheCall") Object call) {
      call = Bridge.enterLong(methodId, owner, a0);
      return Bridge.isHit(call);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(
        @Advice.Local("depcacheCall") Object call,
        @Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object returned,
        @Advice.Thrown(readOnly = false) Throwable thrown) {
      if (call != null) {
        Throwable outcome = thrown;
        returned = Bridge.exit(call, returned, thrown);
        thrown = Bridge.thrown(call, outcome);
      }
    }
  }

  /** A method of one {@code int} argument: not boxed, widened to a long. */
  static final class OneInt {
    private OneInt() {}

    @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class, suppress = Throwable.class)
    static boolean enter(
        @MethodId int methodId,
        @Advice.Origin Class<?> owner,
        @Advice.Argument(0) int a0,
        @Advice.Local("depcacheCall") Object call) {
      call = Bridge.enterLong(methodId, owner, a0);
      return Bridge.isHit(call);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(
        @Advice.Local("depcacheCall") Object call,
        @Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object returned,
        @Advice.Thrown(readOnly = false) Throwable thrown) {
      if (call != null) {
        Throwable outcome = thrown;
        returned = Bridge.exit(call, returned, thrown);
        thrown = Bridge.thrown(call, outcome);
      }
    }
  }

  /** A method of two arguments (primitives boxed). */
  static final class TwoArguments {
    private TwoArguments() {}

    @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class, suppress = Throwable.class)
    static boolean enter(
        @MethodId int methodId,
        @Advice.Origin Class<?> owner,
        @Advice.Argument(value = 0, typing = Assigner.Typing.DYNAMIC) Object a0,
        @Advice.Argument(value = 1, typing = Assigner.Typing.DYNAMIC) Object a1,
        @Advice.Local("depcacheCall") Object call) {
      call = Bridge.enter2(methodId, owner, a0, a1);
      return Bridge.isHit(call);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(
        @Advice.Local("depcacheCall") Object call,
        @Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object returned,
        @Advice.Thrown(readOnly = false) Throwable thrown) {
      if (call != null) {
        Throwable outcome = thrown;
        returned = Bridge.exit(call, returned, thrown);
        thrown = Bridge.thrown(call, outcome);
      }
    }
  }

  /** A method of three arguments (primitives boxed). */
  static final class ThreeArguments {
    private ThreeArguments() {}

    @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class, suppress = Throwable.class)
    static boolean enter(
        @MethodId int methodId,
        @Advice.Origin Class<?> owner,
        @Advice.Argument(value = 0, typing = Assigner.Typing.DYNAMIC) Object a0,
        @Advice.Argument(value = 1, typing = Assigner.Typing.DYNAMIC) Object a1,
        @Advice.Argument(value = 2, typing = Assigner.Typing.DYNAMIC) Object a2,
        @Advice.Local("depcacheCall") Object call) {
      call = Bridge.enter3(methodId, owner, a0, a1, a2);
      return Bridge.isHit(call);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(
        @Advice.Local("depcacheCall") Object call,
        @Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object returned,
        @Advice.Thrown(readOnly = false) Throwable thrown) {
      if (call != null) {
        Throwable outcome = thrown;
        returned = Bridge.exit(call, returned, thrown);
        thrown = Bridge.thrown(call, outcome);
      }
    }
  }
}
