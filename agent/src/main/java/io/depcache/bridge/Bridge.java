package io.depcache.bridge;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.RunnableFuture;

/**
 * The static entry points that advice inlined into application classes calls.
 *
 * <p>It lives on the bootstrap class path so that every class loader resolves this one class, and
 * it uses only JDK types so that it never drags the API or the agent's internals into the loader of
 * the instrumented class. Until the agent sets a {@link Dispatcher}, every method is a no-op that
 * lets the original code run.
 */
public final class Bridge {
  private static volatile Dispatcher dispatcher;

  private Bridge() {}

  /** Connects the agent's runtime; called once at install time. */
  public static void install(Dispatcher runtime) {
    dispatcher = runtime;
  }

  /** Disconnects the agent's runtime; cached methods then just run. */
  public static void uninstall(Dispatcher runtime) {
    if (dispatcher == runtime) {
      dispatcher = null;
    }
  }

  public static Object enter(int methodId, Class<?> owner, Object self, Object[] args) {
    Dispatcher d = dispatcher;
    return d == null ? null : d.enter(methodId, owner, self, args);
  }

  // Cached methods of up to three arguments enter without an array of them, and one of a long or
  // an int without boxing it: a hit then allocates nothing.

  public static Object enter0(int methodId, Class<?> owner) {
    Dispatcher d = dispatcher;
    return d == null ? null : d.enter0(methodId, owner);
  }

  public static Object enter1(int methodId, Class<?> owner, Object a0) {
    Dispatcher d = dispatcher;
    return d == null ? null : d.enter1(methodId, owner, a0);
  }

  public static Object enterLong(int methodId, Class<?> owner, long a0) {
    Dispatcher d = dispatcher;
    return d == null ? null : d.enterLong(methodId, owner, a0);
  }

  public static Object enter2(int methodId, Class<?> owner, Object a0, Object a1) {
    Dispatcher d = dispatcher;
    return d == null ? null : d.enter2(methodId, owner, a0, a1);
  }

  public static Object enter3(int methodId, Class<?> owner, Object a0, Object a1, Object a2) {
    Dispatcher d = dispatcher;
    return d == null ? null : d.enter3(methodId, owner, a0, a1, a2);
  }

  public static boolean isHit(Object call) {
    Dispatcher d = dispatcher;
    return call != null && d != null && d.isHit(call);
  }

  public static Object exit(Object call, Object returned, Throwable thrown) {
    Dispatcher d = dispatcher;
    return call == null || d == null ? returned : d.exit(call, returned, thrown);
  }

  public static Throwable thrown(Object call, Throwable thrown) {
    Dispatcher d = dispatcher;
    return call == null || d == null ? thrown : d.thrown(call, thrown);
  }

  public static void addDependency(String dependency, String manager) {
    Dispatcher d = dispatcher;
    if (d != null) {
      d.addDependency(dependency, manager);
    }
  }

  public static String currentCacheKey() {
    Dispatcher d = dispatcher;
    return d == null ? null : d.currentCacheKey();
  }

  public static void setTtl(long seconds) {
    Dispatcher d = dispatcher;
    if (d != null) {
      d.setTtl(seconds);
    }
  }

  public static boolean isActive() {
    Dispatcher d = dispatcher;
    return d != null && d.isActive();
  }

  public static Object manager(String name, Class<?> facade) {
    Dispatcher d = dispatcher;
    return d == null ? null : d.manager(name, facade);
  }

  public static void invalidate(
      int invalidationId, Class<?> owner, Object[] args, Object returned) {
    Dispatcher d = dispatcher;
    if (d != null) {
      d.invalidate(invalidationId, owner, args, returned);
    }
  }

  // ---- the context of a cached call, carried to other threads ----------------------------------

  public static Object currentContext() {
    Dispatcher d = dispatcher;
    return d == null ? null : d.currentContext();
  }

  public static Object enterContext(Object context) {
    Dispatcher d = dispatcher;
    return d == null || context == null ? null : d.enterContext(context);
  }

  public static void exitContext(Object token) {
    Dispatcher d = dispatcher;
    if (d != null && token != null) {
      d.exitContext(token);
    }
  }

  public static boolean contextActive(Object context) {
    Dispatcher d = dispatcher;
    return d != null && context != null && d.contextActive(context);
  }

  public static void contextAddDependency(Object context, String dependency, String manager) {
    Dispatcher d = dispatcher;
    if (d != null && context != null) {
      d.contextAddDependency(context, dependency, manager);
    }
  }

  public static void contextSetTtl(Object context, long seconds) {
    Dispatcher d = dispatcher;
    if (d != null && context != null) {
      d.contextSetTtl(context, seconds);
    }
  }

  public static String contextKey(Object context) {
    Dispatcher d = dispatcher;
    return d == null || context == null ? null : d.contextKey(context);
  }

  /**
   * {@code task}, or a task that runs it with the current cached call's context when there is one:
   * what executors' advice passes on instead of the task they were given.
   */
  public static Runnable wrap(Runnable task) {
    if (task == null || task instanceof ContextTask) {
      return task;
    }
    Object context = currentContext();
    if (context == null) {
      return task;
    }
    return task instanceof RunnableFuture<?> future
        ? new ContextTask.OfFuture<>(future, context)
        : new ContextTask.OfRunnable(task, context);
  }

  /** {@code task}, or a task that calls it with the current cached call's context. */
  public static <T> Callable<T> wrap(Callable<T> task) {
    if (task == null || task instanceof ContextTask) {
      return task;
    }
    Object context = currentContext();
    return context == null ? task : new ContextTask.OfCallable<>(task, context);
  }

  /**
   * As {@link #wrap(Runnable)}, for a {@code ForkJoinPool}: a {@link ForkJoinTask} stays as it is,
   * because the pool runs it as itself and {@code submit} returns it (a wrapper would leave it
   * never completed), except for {@code CompletableFuture}'s own tasks, whose {@code run} does all
   * they do and which nothing joins.
   */
  public static Runnable wrapForForkJoinPool(Runnable task) {
    return task instanceof ForkJoinTask<?>
            && !(task instanceof CompletableFuture.AsynchronousCompletionTask)
        ? task
        : wrap(task);
  }

  /**
   * {@code tasks}, or a list of them each wrapped as {@link #wrap(Callable)} does, when a cached
   * call is current: what the advice of {@code invokeAll} and {@code invokeAny} passes on where
   * they do not go through an entry point that wraps. A {@code null} element stays, for the
   * executor to reject.
   */
  public static <T> Collection<? extends Callable<T>> wrapEach(
      Collection<? extends Callable<T>> tasks) {
    if (tasks == null) {
      return null;
    }
    Object context = currentContext();
    if (context == null) {
      return tasks;
    }
    List<Callable<T>> wrapped = new ArrayList<>(tasks.size());
    for (Callable<T> task : tasks) {
      wrapped.add(
          task == null || task instanceof ContextTask
              ? task
              : new ContextTask.OfCallable<>(task, context));
    }
    return wrapped;
  }
}
