package com.example.demo;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The Redis of the demo's end-to-end test: {@code REDIS_URL} when set, else a throwaway {@code
 * redis-server} on a free port with no persistence. Never a silent skip: without either, {@link
 * #start()} throws and the test fails.
 *
 * <p>A trimmed copy of the agent's test harness {@code io.depcache.agent.testing.RedisServer}: test
 * classes of one module are not visible to another without a test jar.
 */
final class LocalRedis implements AutoCloseable {
  private static final List<String> LOCATIONS =
      List.of("/usr/bin/redis-server", "/usr/sbin/redis-server", "/usr/local/bin/redis-server");

  private final String url;
  private final Process process;

  private LocalRedis(String url, Process process) {
    this.url = url;
    this.process = process;
  }

  static LocalRedis start() throws IOException, InterruptedException {
    String fromEnvironment = System.getenv("REDIS_URL");
    if (fromEnvironment != null && !fromEnvironment.isBlank()) {
      return new LocalRedis(fromEnvironment, null);
    }
    String executable =
        LOCATIONS.stream()
            .filter(p -> Files.isExecutable(Path.of(p)))
            .findFirst()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "redis-server not found: install Debian's redis-server, or set REDIS_URL"));
    // A free port can be taken by someone else before redis-server binds it: try a few.
    for (int attempt = 0; attempt < 3; attempt++) {
      int port = freePort();
      Path dir = Files.createTempDirectory("demo-redis");
      Process process =
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
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("redis.log").toFile())
              .start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (process.isAlive() && System.nanoTime() < deadline) {
        if (answersPing(port)) {
          return new LocalRedis("redis://127.0.0.1:" + port + "/0", process);
        }
        Thread.sleep(20);
      }
      process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    }
    throw new IllegalStateException("redis-server did not answer PING on three free ports");
  }

  /** A {@code redis://} URL. */
  String url() {
    return url;
  }

  @Override
  public void close() throws InterruptedException {
    if (process != null) {
      process.destroy();
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    }
  }

  private static boolean answersPing(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
      socket.setSoTimeout(500);
      OutputStream out = socket.getOutputStream();
      out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      byte[] reply = in.readNBytes(5);
      return new String(reply, StandardCharsets.US_ASCII).equals("+PONG");
    } catch (IOException e) {
      return false;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
