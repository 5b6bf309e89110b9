package com.example.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
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
}
