package io.depcache.agent.instrument;

import io.depcache.bridge.Bridge;
import java.util.Collection;
import java.util.concurrent.Callable;
import net.bytebuddy.asm.Advice;

/**
 * Inlined into the JDK's executors at the methods that take a task: the task is replaced by what
 * the bridge makes of it, itself outside a cached call, or a task that runs with the call's
 * context. {@code suppress} leaves the task as it was if anything of ours fails.
 */
final class ExecutorAdvice {
  private ExecutorAdvice() {}

  static final class WrapRunnable {
    private WrapRunnable() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.Argument(value = 0, readOnly = false) Runnable task) {
      task = Bridge.wrap(task);
    }
  }

  static final class WrapCallable {
    private WrapCallable() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.Argument(value = 0, readOnly = false) Callable<?> task) {
      task = Bridge.wrap(task);
    }
  }

  /** For {@code ForkJoinPool}, which runs a {@code ForkJoinTask} as itself. */
  static final class WrapForForkJoinPool {
    private WrapForForkJoinPool() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.Argument(value = 0, readOnly = false) Runnable task) {
      task = Bridge.wrapForForkJoinPool(task);
    }
  }

  /** For {@code invokeAll} and {@code invokeAny} where they bypass the wrapping entry points. */
  static final class WrapEach {
    private WrapEach() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    @SuppressWarnings({"unchecked", "rawtypes"})
    static void enter(@Advice.Argument(value = 0, readOnly = false) Collection tasks) {
      tasks = Bridge.wrapEach(tasks);
    }
  }
}
