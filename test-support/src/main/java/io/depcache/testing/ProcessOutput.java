package io.depcache.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * What a child process prints, read line by line on a daemon thread of its own: every line is kept
 * for failure messages and handed to a listener as it comes.
 */
public final class ProcessOutput {
  private final StringBuffer log = new StringBuffer();

  private ProcessOutput() {}

  /**
   * Follows the standard output of {@code process} (merged with its standard error, if so started).
   *
   * @param threadName the reader thread's name
   * @param line called with each line, on the reader thread
   * @param end called once the output ends (the process exited or closed it)
   */
  public static ProcessOutput follow(
      Process process, String threadName, Consumer<String> line, Runnable end) {
    ProcessOutput output = new ProcessOutput();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader out =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String read;
                while ((read = out.readLine()) != null) {
                  output.log.append(read).append('\n');
                  line.accept(read);
                }
              } catch (IOException e) {
                output.log.append("[reader] ").append(e).append('\n');
              }
              end.run();
            },
            threadName);
    reader.setDaemon(true);
    reader.start();
    return output;
  }

  /** Everything printed so far. */
  public String log() {
    return log.toString();
  }
}
