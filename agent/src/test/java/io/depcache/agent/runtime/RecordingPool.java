package io.depcache.agent.runtime;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A thread pool that records what it runs, as code that inspects its tasks would see them: the task
 * {@code beforeExecute} gets, and the outcome {@code afterExecute} reads from it when it is a
 * {@link Future}.
 */
final class RecordingPool extends ThreadPoolExecutor {
  final BlockingQueue<Runnable> ran = new LinkedBlockingQueue<>();
  final BlockingQueue<Object> outcomes = new LinkedBlockingQueue<>();

  RecordingPool() {
    super(1, 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>());
  }

  /** The next task that began to run, waiting for it at most 10 s. */
  Runnable nextRan() throws InterruptedException {
    return ran.poll(10, TimeUnit.SECONDS);
  }

  /** What {@code afterExecute} read from the next task that ended, waiting at most 10 s. */
  Object nextOutcome() throws InterruptedException {
    return outcomes.poll(10, TimeUnit.SECONDS);
  }

  @Override
  protected void beforeExecute(Thread thread, Runnable task) {
    ran.add(task);
  }

  @Override
  protected void afterExecute(Runnable task, Throwable thrown) {
    if (task instanceof Future<?> future && future.isDone()) {
      try {
        outcomes.add(future.get());
      } catch (ExecutionException | InterruptedException e) {
        outcomes.add(e);
      }
    } else {
      outcomes.add("not a completed Future: " + task.getClass().getName());
    }
  }
}
