package io.depcache.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Stops and resumes processes ({@code SIGSTOP}, {@code SIGCONT}), which the JDK cannot send: {@code
 * kill} at {@code /bin/kill} or {@code /usr/bin/kill}, whichever exists, else the shell's own
 * {@code kill} ({@code sh -c}), so that neither the {@code PATH} nor a distribution's layout
 * decides whether a test can run. A crash ({@code SIGKILL}) needs none of this: {@link
 * ProcessHandle#destroyForcibly()}.
 */
final class Signals {
  private static final List<Path> KILL = List.of(Path.of("/bin/kill"), Path.of("/usr/bin/kill"));

  private Signals() {}

  /** Stops the processes ({@code SIGSTOP}) until {@link #resume}. */
  static void stop(List<Long> pids) {
    send("STOP", pids);
  }

  /** Resumes stopped processes ({@code SIGCONT}). */
  static void resume(List<Long> pids) {
    send("CONT", pids);
  }

  private static void send(String signal, List<Long> pids) {
    if (pids.isEmpty()) {
      return;
    }
    for (long pid : pids) {
      // kill reads a pid as an int: a larger one wraps (Long.MAX_VALUE / 2 becomes -1, every
      // process of the user), and 0 or a negative one names a process group. Never send those.
      if (pid <= 1 || pid > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("not a process id to signal: " + pid);
      }
    }
    List<String> command = command(signal, pids, KILL);
    CommandRun run;
    try {
      run = CommandRun.of(command);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(
          "cannot send SIG" + signal + " (" + String.join(" ", command) + "): " + e.getMessage(),
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while sending SIG" + signal, e);
    }
    if (run.exit() != 0) {
      throw new IllegalStateException(
          "SIG"
              + signal
              + " to "
              + pids
              + " failed ("
              + String.join(" ", command)
              + "):\n"
              + run.output());
    }
  }

  /**
   * The command that sends a signal: the first {@code kill} of {@code candidates} that can be run,
   * else {@code sh -c 'kill -SIGNAL pid...'}.
   */
  static List<String> command(String signal, List<Long> pids, List<Path> candidates) {
    List<String> ids = pids.stream().map(String::valueOf).toList();
    for (Path kill : candidates) {
      if (Files.isExecutable(kill)) {
        List<String> command = new ArrayList<>(List.of(kill.toString(), "-" + signal));
        command.addAll(ids);
        return command;
      }
    }
    return List.of("sh", "-c", "kill -" + signal + " " + String.join(" ", ids));
  }
}
