package io.depcache.testing;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A separate JVM driven line by line, the way users run the agent: it prints {@code = ready <pid>
 * ...} once started, then one {@code = <answer>} line per command sent to its standard input, and
 * stops at {@code quit}. Everything it prints is kept for failure messages.
 */
public class JvmProcess implements AutoCloseable {
  private static final long ANSWER_TIMEOUT_SECONDS = 60;

  private final Process process;
  private final Writer stdin;
  private final BlockingQueue<String> answers = new LinkedBlockingQueue<>();
  private final ProcessOutput output;

  /** The process id the JVM reported. */
  public final long pid;

  /** The words after {@code ready <pid>} on the ready line (a port, say). */
  public final String ready;

  protected JvmProcess(Process process) throws IOException {
    this.process = process;
    this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    this.output =
        ProcessOutput.follow(
            process,
            "jvm-process-reader",
            line -> {
              if (line.startsWith("= ")) {
                answers.add(line.substring(2));
              }
            },
            () -> {});
    String first = next();
    if (!first.startsWith("ready ")) {
      throw new AssertionError("the JVM did not start: " + first + "\n" + log());
    }
    String[] words = first.split(" ", 3);
    this.pid = Long.parseLong(words[1]);
    this.ready = words.length > 2 ? words[2] : "";
  }

  /**
   * Starts a JVM. Variables that would configure depcache ({@code DEPCACHE_*}, {@code REDIS_*},
   * {@code DEP_CACHE_*}) are removed from its environment, so that only the command configures it.
   *
   * @param command the whole command line, {@code bin/java} first
   */
  public static JvmProcess start(List<String> command) throws IOException {
    return new JvmProcess(builder(command).start());
  }

  /**
   * Starts a JVM as {@link #start(List)} does, with some environment variables of its own.
   *
   * @param environment variables set for the JVM after depcache's own were removed
   */
  public static JvmProcess start(List<String> command, java.util.Map<String, String> environment)
      throws IOException {
    ProcessBuilder builder = builder(command);
    builder.environment().putAll(environment);
    return new JvmProcess(builder.start());
  }

  /**
   * The process builder {@link #start} uses: output merged, depcache's variables removed.
   *
   * @param command the whole command line
   */
  public static ProcessBuilder builder(List<String> command) {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder
        .environment()
        .keySet()
        .removeIf(
            k -> k.startsWith("DEPCACHE_") || k.startsWith("REDIS_") || k.startsWith("DEP_CACHE_"));
    return builder;
  }

  /** Sends one command and returns its answer. */
  public String send(String command) throws IOException {
    ask(command);
    return next();
  }

  /** Sends one command without waiting; {@link #next()} reads its answer. */
  public void ask(String command) throws IOException {
    stdin.write(command + "\n");
    stdin.flush();
  }

  /** Everything the JVM printed so far. */
  public String log() {
    return output.log();
  }

  /** The next answer, waiting up to a minute. */
  public String next() {
    try {
      String answer = answers.poll(ANSWER_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      if (answer == null) {
        throw new AssertionError(
            "no answer within " + ANSWER_TIMEOUT_SECONDS + " s; output:\n" + log());
      }
      return answer;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  @Override
  public void close() throws IOException {
    try {
      stdin.write("quit\n");
      stdin.flush();
    } catch (IOException e) {
      // already gone
    }
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
