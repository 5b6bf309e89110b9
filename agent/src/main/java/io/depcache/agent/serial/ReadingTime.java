package io.depcache.agent.serial;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How long one entry may take to read: {@value #BUDGET_MILLIS} ms of the reading thread's CPU, and
 * {@value #MICROS_PER_KB} µs more per KB of the entry. Ordinary values read at 20 to 90 µs per KB
 * here (a list of 20,000 small lists, 916 KB: 23 to 79 ms; 10,000 map entries, 272 KB: 6 to 12 ms),
 * so the allowance per KB leaves them a margin of five or more; what it bounds is the cost of an
 * entry per byte planted, which for an entry built to be slow grows faster than its size. Checked
 * as the reader meets each object (every {@value #CHECK_EVERY} of them), so work between objects
 * that the bounded pass cannot foresee (a set of many distinct values with one hash code, whose
 * insertion compares each with all before it) stops within a few objects of the budget.
 *
 * <p>The clock read on the way is the wall clock, which costs nanoseconds. Once it is past half the
 * budget the thread's CPU time is taken, and once it is past the budget reading stops if the thread
 * spent more than half the budget on the CPU since: a thread the scheduler put aside is not blamed
 * for it, and a read that ends within half the budget, as every ordinary one does, never pays for
 * the CPU clock (a microsecond, as much as the {@code kryo} serializer takes for a small DTO). The
 * first {@value #WARM_UP_READS} reads of the JVM get {@value #WARM_UP_BUDGET_MILLIS} ms, since they
 * load and compile the serialization machinery itself.
 */
final class ReadingTime {
  static final long BUDGET_MILLIS = 50;
  static final long MICROS_PER_KB = 500;
  static final long WARM_UP_BUDGET_MILLIS = 500;
  static final int WARM_UP_READS = 16;
  static final int CHECK_EVERY = 16;

  private static final AtomicInteger READS = new AtomicInteger();

  private final long budgetNanos;
  private final long startedNanos = System.nanoTime();
  private long halfwayCpuNanos = -1;
  private int objects;

  /**
   * Starts the clock of one read.
   *
   * @param length the entry's size in bytes
   */
  ReadingTime(int length) {
    // Counted only while warming up: afterwards the hit path writes no shared counter.
    boolean warmingUp = READS.get() < WARM_UP_READS && READS.getAndIncrement() < WARM_UP_READS;
    long millis = warmingUp ? WARM_UP_BUDGET_MILLIS : BUDGET_MILLIS;
    this.budgetNanos =
        TimeUnit.MILLISECONDS.toNanos(millis)
            + TimeUnit.MICROSECONDS.toNanos(MICROS_PER_KB) * length / 1024;
  }

  /**
   * Called for each object the reader meets.
   *
   * @return why reading must stop, or {@code null}
   */
  String check() {
    if (++objects % CHECK_EVERY != 0) {
      return null;
    }
    long elapsed = System.nanoTime() - startedNanos;
    if (elapsed <= budgetNanos / 2) {
      return null;
    }
    ThreadMXBean threads = cpuClock();
    if (halfwayCpuNanos < 0 && threads != null) {
      // The CPU clock from half the budget on: a read that ends before never asks it (it costs a
      // microsecond, as much as reading a small DTO), and a read that is slow on the CPU spends
      // the second half of the budget there too.
      halfwayCpuNanos = threads.getCurrentThreadCpuTime();
      return null;
    }
    if (elapsed <= budgetNanos) {
      return null;
    }
    if (threads != null && threads.getCurrentThreadCpuTime() - halfwayCpuNanos <= budgetNanos / 2) {
      return null;
    }
    return "reading took more than "
        + TimeUnit.NANOSECONDS.toMillis(budgetNanos)
        + " ms of CPU after "
        + objects
        + " objects";
  }

  private static ThreadMXBean cpuClock() {
    ThreadMXBean threads = CpuClock.THREADS;
    return threads != null && threads.isCurrentThreadCpuTimeSupported() ? threads : null;
  }

  /** Loaded on first use: management classes cost start-up time the agent does not spend early. */
  private static final class CpuClock {
    static final ThreadMXBean THREADS = threads();

    private static ThreadMXBean threads() {
      try {
        return ManagementFactory.getThreadMXBean();
      } catch (RuntimeException | LinkageError e) {
        return null;
      }
    }
  }
}
