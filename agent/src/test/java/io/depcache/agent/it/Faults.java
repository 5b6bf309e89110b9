package io.depcache.agent.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/** Faults that the stale-read checkers inject while their JVMs run. */
final class Faults {
  private Faults() {}

  /** Something done again and again on a thread of its own. */
  interface Step {
    void run() throws Exception;
  }

  /** A step repeated on its own thread every {@code periodMillis} until closed. */
  static final class Repeated implements AutoCloseable {
    private final Thread thread;
    private final AtomicInteger done = new AtomicInteger();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile boolean stop;

    Repeated(String name, long initialMillis, long periodMillis, Step step) {
      thread =
          new Thread(
              () -> {
                try {
                  Thread.sleep(initialMillis);
                  while (!stop) {
                    step.run();
                    done.incrementAndGet();
                    Thread.sleep(periodMillis);
                  }
                } catch (InterruptedException e) {
                  // closed
                } catch (Throwable t) {
                  failure.set(t);
                }
              },
              name);
      thread.setDaemon(true);
      thread.start();
    }

    /** How many times the step ran. */
    int done() {
      return done.get();
    }

    @Override
    public void close() throws Exception {
      stop = true;
      thread.join(TimeUnit.SECONDS.toMillis(30));
      if (failure.get() != null) {
        throw new AssertionError("the fault failed", failure.get());
      }
    }
  }

  /**
   * Sends a signal to a process with Debian's {@code /bin/kill}, or the shell's builtin {@code
   * kill} where there is no such file.
   *
   * @param signal e.g. {@code STOP}, {@code CONT}
   */
  static void signal(String signal, long pid) throws IOException, InterruptedException {
    // kill reads an int: a larger id wraps (possibly to -1, every process of the user), and 0 or a
    // negative id is a process group. Never send those.
    if (pid <= 1 || pid > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("not a process id to signal: " + pid);
    }
    List<String> command =
        Files.isExecutable(Path.of("/bin/kill"))
            ? List.of("/bin/kill", "-" + signal, Long.toString(pid))
            : List.of("/bin/sh", "-c", "kill -" + signal + " " + pid);
    Process kill = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(kill.getInputStream().readAllBytes());
    if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      throw new AssertionError(command + " failed: " + output);
    }
  }
}
