package io.depcache.agent.instrument;

import io.depcache.bridge.Bridge;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;

/**
 * Rewrites the no-op bodies of {@code io.depcache.DepCache} to reach the agent, in every copy of
 * the API: the one on the bootstrap path and any an application bundles in its own loader.
 */
final class FacadeAdvice {
  private FacadeAdvice() {}

  static final class AddDependency {
    private AddDependency() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.Argument(0) String dependency) {
      Bridge.addDependency(dependency, null);
    }
  }

  static final class AddDependencyTo {
    private AddDependencyTo() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.Argument(0) String dependency, @Advice.Argument(1) String manager) {
      Bridge.addDependency(dependency, manager);
    }
  }

  static final class SetTtl {
    private SetTtl() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.Argument(0) long seconds) {
      Bridge.setTtl(seconds);
    }
  }

  static final class CurrentCacheKey {
    private CurrentCacheKey() {}

    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(@Advice.Return(readOnly = false) String key) {
      key = Bridge.currentCacheKey();
    }
  }

  static final class IsAgentActive {
    private IsAgentActive() {}

    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(@Advice.Return(readOnly = false) boolean active) {
      active = Bridge.isActive();
    }
  }

  /**
   * Skips the original body when the agent serves the manager: that body names the API's
   * package-private disabled manager, which after an attach may resolve in another loader than the
   * facade's (an {@code IllegalAccessError} if it ran).
   */
  static final class Manager {
    private Manager() {}

    @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class, suppress = Throwable.class)
    static Object enter(@Advice.Origin Class<?> facade, @Advice.AllArguments Object[] args) {
      return Bridge.manager(args.length == 0 ? null : (String) args[0], facade);
    }

    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(
        @Advice.Enter Object real,
        @Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object manager) {
      if (real != null) {
        manager = real;
      }
    }
  }

  // ---- the hooks of CallContext (package-private in the API) ----------------------------------

  static final class ContextHandle {
    private ContextHandle() {}

    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(@Advice.Return(readOnly = false) Object handle) {
      handle = Bridge.currentContext();
    }
  }

  static final class ContextActive {
    private ContextActive() {}

    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(
        @Advice.Argument(0) Object handle, @Advice.Return(readOnly = false) boolean active) {
      active = Bridge.contextActive(handle);
    }
  }

  static final class ContextAddDependency {
    private ContextAddDependency() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.Argument(0) Object handle, @Advice.Argument(1) String dependency) {
      Bridge.contextAddDependency(handle, dependency, null);
    }
  }

  static final class ContextSetTtl {
    private ContextSetTtl() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.Argument(0) Object handle, @Advice.Argument(1) long seconds) {
      Bridge.contextSetTtl(handle, seconds);
    }
  }

  static final class ContextKey {
    private ContextKey() {}

    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(
        @Advice.Argument(0) Object handle, @Advice.Return(readOnly = false) String key) {
      key = Bridge.contextKey(handle);
    }
  }

  static final class ContextEnter {
    private ContextEnter() {}

    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(
        @Advice.Argument(0) Object handle, @Advice.Return(readOnly = false) Object token) {
      token = Bridge.enterContext(handle);
    }
  }

  static final class ContextExit {
    private ContextExit() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.Argument(0) Object token) {
      Bridge.exitContext(token);
    }
  }
}
