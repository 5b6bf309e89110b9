package io.depcache.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throwaway {@code redis-server} process for tests: its own free port, its own temporary
 * directory, no persistence configured.
 *
 * <p>{@link #stop()} and {@link #restart()} let tests simulate an outage. A restart runs in the
 * same directory, so what an explicit {@code SAVE} wrote before the stop is loaded again; without
 * one, the restarted server is empty. The process is also killed when the JVM exits.
 */
public final class RedisServer implements AutoCloseable {
  private static final List<String> LOCATIONS =
      List.of("/usr/bin/redis-server", "/usr/sbin/redis-server", "/usr/local/bin/redis-server");
  private static final long START_TIMEOUT_MILLIS = 10_000;

  private final String executable;
  private final int port;
  private final Path dir;
  private final Thread shutdownHook;
  private Process process;

  private RedisServer(String executable, int port, Path dir) {
    this.executable = executable;
    this.port = port;
    this.dir = dir;
    this.shutdownHook = new Thread(this::kill, "redis-server-" + port + "-killer");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /**
   * Starts a server on a free port and waits until it answers PING.
   *
   * @return the running server
   * @throws IllegalStateException when redis-server is not installed or does not start in 10 s
   */
  public static RedisServer start() {
    String executable = findExecutable();
    IllegalStateException last = null;
    // A free port can be taken by someone else before redis-server binds it: try a few.
    for (int attempt = 0; attempt < 3; attempt++) {
      RedisServer server = null;
      try {
        server = new RedisServer(executable, freePort(), Files.createTempDirectory("redis-test"));
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

  public int port() {
    return port;
  }

  /** The URL to reach it, e.g. {@code redis://127.0.0.1:6380/0}. */
  public String url() {
    return "redis://127.0.0.1:" + port + "/0";
  }

  public boolean isRunning() {
    return process != null && process.isAlive();
  }

  /** Kills the server and waits until it is gone; nothing is saved. */
  public synchronized void stop() {
    kill();
  }

  /** Starts the server again on the same port and directory (after {@link #stop()}, or not). */
  public synchronized void restart() {
    kill();
    launch();
  }

  @Override
  public synchronized void close() {
    kill();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // The JVM is shutting down: the hook runs anyway.
    }
    deleteRecursively(dir);
  }

  private synchronized void launch() {
    Path log = dir.resolve("redis.log");
    ProcessBuilder builder =
        new ProcessBuilder(
                executable,
                "--port",
                Integer.toString(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                dir.toString())
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + executable + ": " + e.getMessage(), e);
    }
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_TIMEOUT_MILLIS);
    while (!answersPing()) {
      if (!process.isAlive() || System.nanoTime() - deadline > 0) {
        kill();
        throw new IllegalStateException(
            "redis-server on port "
                + port
                + " did not answer PING within 10 s; its output:\n"
                + readLog(log));
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

  private boolean answersPing() {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
      socket.setSoTimeout(500);
      OutputStream out = socket.getOutputStream();
      out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      byte[] reply = new byte[5];
      int n = in.readNBytes(reply, 0, reply.length);
      return n == 5 && new String(reply, StandardCharsets.US_ASCII).equals("+PONG");
    } catch (IOException e) {
      return false;
    }
  }

  private void kill() {
    Process p = process;
    if (p == null) {
      return;
    }
    p.destroy();
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

  /** Where redis-server is installed (redis-cli is next to it). */
  static String executable() {
    return findExecutable();
  }

  private static String findExecutable() {
    String path = System.getenv("PATH");
    if (path != null) {
      for (String entry : path.split(java.io.File.pathSeparator)) {
        Path candidate = Path.of(entry, "redis-server");
        if (Files.isExecutable(candidate)) {
          return candidate.toString();
        }
      }
    }
    for (String location : LOCATIONS) {
      if (Files.isExecutable(Path.of(location))) {
        return location;
      }
    }
    throw new IllegalStateException(
        "redis-server not found: install the Debian package redis-server, or set REDIS_URL");
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    }
  }

  private static String readLog(Path log) {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no output: " + e.getMessage() + ")";
    }
  }

  private static void deleteRecursively(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // A leftover temporary directory is harmless.
    }
  }
}
