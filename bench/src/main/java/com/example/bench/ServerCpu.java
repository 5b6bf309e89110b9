package com.example.bench;

import java.io.File;
import java.io.IOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import redis.clients.jedis.Jedis;

/**
 * What the local Redis processes and this JVM spent on the CPU, and how long the Redis processes
 * waited for one, from Linux' {@code /proc/<pid>/schedstat} (time on a CPU, time runnable on a run
 * queue, in nanoseconds) of the pid that {@code INFO server} names. SLOWLOG times a command from
 * its start to its end by the clock, so a node that waited for a core in the middle of a command
 * logs the wait as the command's: the run-queue time tells that apart from work.
 */
final class ServerCpu {
  private ServerCpu() {}

  /** The pid of a Redis server, or -1 when it is not a process of this machine's /proc. */
  static long pid(Jedis redis) {
    for (String line : redis.info("server").split("\r\n")) {
      if (line.startsWith("process_id:")) {
        long pid = Long.parseLong(line.substring("process_id:".length()).trim());
        return Files.exists(Path.of("/proc", Long.toString(pid), "schedstat")) ? pid : -1;
      }
    }
    return -1;
  }

  /** {cpu, run-queue wait} of a process's main thread in nanoseconds; zeros when unknown. */
  static long[] schedstat(long pid) {
    if (pid < 0) {
      return new long[2];
    }
    try {
      String[] fields =
          Files.readString(Path.of("/proc", Long.toString(pid), "schedstat")).trim().split(" ");
      return new long[] {Long.parseLong(fields[0]), Long.parseLong(fields[1])};
    } catch (IOException | RuntimeException e) {
      return new long[2];
    }
  }

  /** The CPU time of the calling thread, in nanoseconds. */
  static long threadCpuNanos() {
    return Boolean.getBoolean("user")
        ? ManagementFactory.getThreadMXBean().getCurrentThreadUserTime()
        : ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
  }

  /** The CPU time of this JVM, every thread, in nanoseconds. */
  static long jvmCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /**
   * Waits until this JVM is idle for {@value #QUIET_MILLIS} ms (the caller sleeping, the JVM's
   * other threads together using less than a tenth of a core, the JIT finishing no compilation),
   * for at most {@value #QUIET_WAIT_MILLIS} ms: what a probe did just before a measure (a fill of
   * 100,000 keys) queues compilations, and the compiler threads would take the cores from Redis in
   * what is timed. A compilation in progress shows only in the CPU, which is read in ticks of 10
   * ms, so the windows are 100 ms long.
   */
  static void awaitQuietCompiler() {
    CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
    boolean timed = jit != null && jit.isCompilationTimeMonitoringSupported();
    long deadline = System.nanoTime() + QUIET_WAIT_MILLIS * 1_000_000L;
    long compiled = timed ? jit.getTotalCompilationTime() : 0;
    long quiet = 0;
    while (quiet < QUIET_MILLIS && System.nanoTime() - deadline < 0) {
      long cpu = jvmCpuNanos();
      try {
        Thread.sleep(WINDOW_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      long busy = jvmCpuNanos() - cpu;
      long now = timed ? jit.getTotalCompilationTime() : 0;
      boolean idle = busy < WINDOW_MILLIS * 100_000L && now == compiled; // < 10 % of a core
      compiled = now;
      quiet = idle ? quiet + WINDOW_MILLIS : 0;
    }
  }

  private static final long WINDOW_MILLIS = 100;
  private static final long QUIET_MILLIS = 300;
  private static final long QUIET_WAIT_MILLIS = 10_000;

  /**
   * A diagnosis, not a figure: every thread of every process of this machine, by its id, named
   * {@code "process-name/thread-name tid"}. {@link #schedstat} reads a thread's CPU time by its id
   * as it reads a process's ({@code /proc/<tid>/schedstat}).
   */
  static Map<Long, String> everyThread() {
    Map<Long, String> threads = new HashMap<>();
    File[] processes = new File("/proc").listFiles();
    if (processes == null) {
      return threads;
    }
    for (File process : processes) {
      if (!process.getName().chars().allMatch(Character::isDigit)) {
        continue;
      }
      File[] tasks = new File(process, "task").listFiles();
      if (tasks == null) {
        continue;
      }
      String name = read(new File(process, "comm"));
      for (File task : tasks) {
        threads.put(
            Long.parseLong(task.getName()),
            name + "/" + read(new File(task, "comm")) + " " + task.getName());
      }
    }
    return threads;
  }

  private static String read(File file) {
    try {
      return Files.readString(file.toPath()).trim();
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }
}
