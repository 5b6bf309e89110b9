package io.depcache.bridge;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RunnableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A task given to an executor during a cached call, which runs with that call's context wherever it
 * runs: a dependency it declares belongs to the call. A task that is a {@link RunnableFuture} (what
 * {@code submit} makes) stays one, so that code which inspects what an executor runs (an {@code
 * afterExecute} that reads the future's outcome) sees the same.
 */
public abstract class ContextTask {
  final Object context;
  private final Object task;

  ContextTask(Object task, Object context) {
    this.task = task;
    this.context = context;
  }

  /** Runs {@code runnable} with the context. */
  final void runWithContext(Runnable runnable) {
    Object token = Bridge.enterContext(context);
    try {
      runnable.run();
    } finally {
      Bridge.exitContext(token);
    }
  }

  /** The task's own: what an executor's logging or a thread dump shows is the user's task. */
  @Override
  public final String toString() {
    return task.toString();
  }

  /** A {@link Runnable}, run with the context. */
  static final class OfRunnable extends ContextTask implements Runnable {
    private final Runnable task;

    OfRunnable(Runnable task, Object context) {
      super(task, context);
      this.task = task;
    }

    @Override
    public void run() {
      runWithContext(task);
    }
  }

  /** A {@link Callable}, called with the context. */
  static final class OfCallable<T> extends ContextTask implements Callable<T> {
    private final Callable<T> task;

    OfCallable(Callable<T> task, Object context) {
      super(task, context);
      this.task = task;
    }

    @Override
    public T call() throws Exception {
      Object token = Bridge.enterContext(context);
      try {
        return task.call();
      } finally {
        Bridge.exitContext(token);
      }
    }
  }

  /** A {@link RunnableFuture}, run with the context; its outcome is the original's. */
  static final class OfFuture<T> extends ContextTask implements RunnableFuture<T> {
    private final RunnableFuture<T> task;

    OfFuture(RunnableFuture<T> task, Object context) {
      super(task, context);
      this.task = task;
    }

    @Override
    public void run() {
      runWithContext(task);
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      return task.cancel(mayInterruptIfRunning);
    }

    @Override
    public boolean isCancelled() {
      return task.isCancelled();
    }

    @Override
    public boolean isDone() {
      return task.isDone();
    }

    @Override
    public T get() throws InterruptedException, ExecutionException {
      return task.get();
    }

    @Override
    public T get(long timeout, TimeUnit unit)
        throws InterruptedException, ExecutionException, TimeoutException {
      return task.get(timeout, unit);
    }
  }
}
