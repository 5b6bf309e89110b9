package io.depcache.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.stream.Stream;

/**
 * A throwaway {@code redis-server} process started with the arguments a test gives: a server with
 * only a TLS port, an ACL user, a replica, a Sentinel. Unlike {@link RedisServer}, which asks a
 * plain port for PING, it is ready when its log shows a line the test names (a TLS-only server has
 * no plain port to ask).
 *
 * <p>Its own free port and temporary directory; no persistence unless the arguments ask for it. The
 * process is killed when the JVM exits.
 */
public final class RedisProcess implements AutoCloseable {
  /** What a server (not a Sentinel) logs when it accepts connections. */
  public static final String SERVER_READY = "Ready to accept connections";

  /** What a Sentinel logs once it monitors its master. */
  public static final String SENTINEL_READY = "+monitor master";

  private static final long START_TIMEOUT_MILLIS = 10_000;

  private final int port;
  private final Path dir;
  private final List<String> command;
  private final String readyLine;
  private final Thread shutdownHook;
  private Process process;

  private RedisProcess(int port, Path dir, List<String> command, String readyLine) {
    this.port = port;
    this.dir = dir;
    this.command = command;
    this.readyLine = readyLine;
    this.shutdownHook = new Thread(this::kill, "redis-process-" + port + "-killer");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /**
   * Starts {@code redis-server} with the arguments made for a free port and a fresh directory, and
   * waits for the ready line in its log.
   *
   * @param arguments from the port and the directory, the arguments after the executable; they
   *     should bind 127.0.0.1 and use the port given
   * @param readyLine the text of the log line that says it is ready, e.g. {@link #SERVER_READY}
   * @return the running process
   * @throws IllegalStateException when it does not start within 10 s (its log is in the message)
   */
  public static RedisProcess start(
      BiFunction<Integer, Path, List<String>> arguments, String readyLine) {
    IllegalStateException last = null;
    // A free port can be taken by someone else before redis-server binds it: try a few.
    for (int attempt = 0; attempt < 3; attempt++) {
      RedisProcess server = null;
      try {
        int port = freePort();
        Path dir = Files.createTempDirectory("redis-process");
        List<String> command = new ArrayList<>();
        command.add(executable());
        command.addAll(arguments.apply(port, dir));
        server = new RedisProcess(port, dir, List.copyOf(command), readyLine);
        server.launch();
        return server;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (IllegalStateException e) {
        last = e;
        if (server != null) {
          server.close();
        }
      }
    }
    throw last;
  }

  /** The port the arguments were made for. */
  public int port() {
    return port;
  }

  /** The process' own directory (its log is {@code redis.log} there). */
  public Path dir() {
    return dir;
  }

  /** Everything the process logged so far. */
  public String log() {
    try {
      return Files.readString(dir.resolve("redis.log"));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  public boolean isRunning() {
    return process != null && process.isAlive();
  }

  /**
   * Stops the process where it is ({@code SIGSTOP}): its connections stay open and nothing on them
   * is answered, as a server behind a partition or in a long pause. {@link #resume()} goes on.
   */
  public synchronized void pause() {
    signal("STOP");
  }

  /** Lets a {@link #pause() paused} process go on ({@code SIGCONT}). */
  public synchronized void resume() {
    signal("CONT");
  }

  private void signal(String name) {
    Process p = process;
    if (p == null) {
      throw new IllegalStateException("redis-server on port " + port + " is not running");
    }
    try {
      Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(p.pid())).start();
      if (!kill.waitFor(5, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new IllegalStateException("kill -" + name + " " + p.pid() + " failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while signalling redis-server", e);
    }
  }

  /** Kills the process and waits until it is gone. */
  public synchronized void stop() {
    kill();
  }

  @Override
  public synchronized void close() {
    kill();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // The JVM is shutting down: the hook runs anyway.
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // A leftover temporary directory is harmless.
    }
  }

  private synchronized void launch() {
    Path log = dir.resolve("redis.log");
    int logged = (int) log.toFile().length();
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + command.get(0) + ": " + e.getMessage(), e);
    }
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_TIMEOUT_MILLIS);
    while (!log().substring(Math.min(logged, log().length())).contains(readyLine)) {
      if (!process.isAlive() || System.nanoTime() - deadline > 0) {
        kill();
        throw new IllegalStateException(
            String.join(" ", command)
                + " did not log '"
                + readyLine
                + "' within 10 s; its output:\n"
                + log());
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        kill();
        throw new IllegalStateException("interrupted while starting redis-server", e);
      }
    }
  }

  private void kill() {
    Process p = process;
    if (p == null) {
      return;
    }
    p.destroy();
    try {
      // a paused process takes SIGTERM only once it goes on
      if (p.isAlive()) {
        new ProcessBuilder("kill", "-CONT", Long.toString(p.pid()))
            .start()
            .waitFor(5, TimeUnit.SECONDS);
      }
    } catch (IOException e) {
      // SIGKILL below still ends it
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      if (!p.waitFor(5, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    process = null;
  }

  /** The {@code redis-server} on the PATH, or in one of the usual places. */
  static String executable() {
    String path = System.getenv("PATH");
    List<String> candidates = new ArrayList<>();
    if (path != null) {
      for (String entry : path.split(File.pathSeparator)) {
        candidates.add(Path.of(entry, "redis-server").toString());
      }
    }
    candidates.addAll(
        List.of("/usr/bin/redis-server", "/usr/sbin/redis-server", "/usr/local/bin/redis-server"));
    for (String candidate : candidates) {
      if (Files.isExecutable(Path.of(candidate))) {
        return candidate;
      }
    }
    throw new IllegalStateException(
        "redis-server not found: install the Debian package redis-server");
  }

  /** A port that was free a moment ago. */
  public static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    }
  }
}
