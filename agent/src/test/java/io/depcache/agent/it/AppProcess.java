package io.depcache.agent.it;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A separate JVM running {@code com.example.itapp.ItApp}, driven line by line: the way users run
 * the agent, with {@code -javaagent:} on the packaged jar.
 */
final class AppProcess implements AutoCloseable {
  private static final long ANSWER_TIMEOUT_SECONDS = 60;

  private final Process process;
  private final Writer stdin;
  private final BlockingQueue<String> answers = new LinkedBlockingQueue<>();
  private final StringBuffer log = new StringBuffer();
  final long pid;

  private AppProcess(Process process) throws IOException {
    this.process = process;
    this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader out =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                  log.append(line).append('\n');
                  if (line.startsWith("= ")) {
                    answers.add(line.substring(2));
                  }
                }
              } catch (IOException e) {
                log.append("[reader] ").append(e).append('\n');
              }
            },
            "it-app-reader");
    reader.setDaemon(true);
    reader.start();
    String ready = next();
    if (!ready.startsWith("ready ")) {
      throw new AssertionError("the app did not start: " + ready + "\n" + log);
    }
    this.pid = Long.parseLong(ready.substring("ready ".length()));
  }

  /**
   * Starts the app.
   *
   * @param javaHome the JDK to run
   * @param jvmArguments e.g. {@code -javaagent:...}, {@code -Ddepcache.prefix=...}
   * @param extraClassPath entries before the test classes (e.g. the app's own libraries)
   */
  static AppProcess start(String javaHome, List<String> jvmArguments, List<String> extraClassPath)
      throws IOException {
    return start(javaHome, jvmArguments, extraClassPath, "com.example.itapp.ItApp");
  }

  /**
   * Starts another app that speaks the same protocol: {@code "= ready <pid>"} first, then one
   * {@code "= "} answer per command line.
   *
   * @param mainClass the app's main class, from the test classes
   */
  static AppProcess start(
      String javaHome, List<String> jvmArguments, List<String> extraClassPath, String mainClass)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(javaHome, "bin", "java").toString());
    command.addAll(jvmArguments);
    List<String> classPath = new ArrayList<>(extraClassPath);
    classPath.add(ItSettings.testClasses());
    classPath.add(ItSettings.apiClasses());
    command.add("-cp");
    command.add(String.join(File.pathSeparator, classPath));
    command.add(mainClass);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder
        .environment()
        .keySet()
        .removeIf(
            k -> k.startsWith("DEPCACHE_") || k.startsWith("REDIS_") || k.startsWith("DEP_CACHE_"));
    return new AppProcess(builder.start());
  }

  /** Sends one command and returns its answer. */
  String send(String command) throws IOException {
    ask(command);
    return next();
  }

  /** Sends one command without waiting; {@link #next()} reads its answer. */
  void ask(String command) throws IOException {
    stdin.write(command + "\n");
    stdin.flush();
  }

  String log() {
    return log.toString();
  }

  String next() {
    try {
      String answer = answers.poll(ANSWER_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      if (answer == null) {
        throw new AssertionError(
            "no answer within " + ANSWER_TIMEOUT_SECONDS + " s; output:\n" + log);
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

  static void requireFile(String path) {
    if (!Files.exists(Path.of(path))) {
      throw new AssertionError(path + " does not exist: run the end-to-end tests with mvn verify");
    }
  }
}
