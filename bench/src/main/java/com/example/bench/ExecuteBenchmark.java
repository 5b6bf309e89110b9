package com.example.bench;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * {@code ThreadPoolExecutor.execute} of a no-op task outside any cached call: with the agent, its
 * propagation advice asks the bridge for the current call first. The suite runs it in forks with
 * the agent and in forks without, alternately, and reports the difference. The pool's queue takes
 * every task and keeps none, so that what is measured is {@code execute}'s own work, not the
 * hand-off to a worker, whose cost (a lock and a wake-up) would bury a few nanoseconds.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ExecuteBenchmark {
  private final Runnable task = () -> {};
  private ThreadPoolExecutor pool;

  @Setup
  public void setUp() {
    pool = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new Dropping());
    // With its one worker started, execute offers each task to the queue.
    pool.prestartCoreThread();
  }

  @TearDown
  public void tearDown() {
    pool.shutdownNow();
  }

  @Benchmark
  public void execute() {
    pool.execute(task);
  }

  /** A queue that accepts every task and keeps none: the pool's worker waits on it for ever. */
  static final class Dropping extends LinkedBlockingQueue<Runnable> {
    private static final long serialVersionUID = 1L;

    @Override
    public boolean offer(Runnable task) {
      return true;
    }
  }
}
