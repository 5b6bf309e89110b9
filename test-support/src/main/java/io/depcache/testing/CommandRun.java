package io.depcache.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A command run to its end, as a user runs it from a shell: its exit status and everything it
 * printed (standard output and standard error, merged).
 *
 * @param exit the exit status
 * @param output what it printed
 */
public record CommandRun(int exit, String output) {
  private static final long TIMEOUT_SECONDS = 60;

  /**
   * Runs a command with depcache's environment variables removed ({@link JvmProcess#builder}).
   *
   * @param command the whole command line
   * @throws AssertionError when it does not end within a minute (it is then killed)
   */
  public static CommandRun of(List<String> command) throws IOException, InterruptedException {
    Process process = JvmProcess.builder(command).start();
    process.getOutputStream().close();
    byte[] output = process.getInputStream().readAllBytes();
    if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError(
          String.join(" ", command) + " did not end within " + TIMEOUT_SECONDS + " s");
    }
    return new CommandRun(process.exitValue(), new String(output, StandardCharsets.UTF_8));
  }

  /** As {@link #of(List)}. */
  public static CommandRun of(String... command) throws IOException, InterruptedException {
    return of(List.of(command));
  }
}
