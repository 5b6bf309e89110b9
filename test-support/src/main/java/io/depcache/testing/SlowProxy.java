package io.depcache.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;

/**
 * A TCP proxy in front of a Redis that passes each reply on a fixed delay after it arrived: a Redis
 * that answers slowly though it is up. Commands go through at once. Every round trip on a
 * connection takes the delay, opening one included (its {@code HELLO} and {@code CLIENT SETNAME}).
 */
public final class SlowProxy implements AutoCloseable {
  private final ServerSocket server;
  private final URI redis;
  private final int delayMs;

  private SlowProxy(URI redis, int delayMs) throws IOException {
    this.redis = redis;
    this.delayMs = delayMs;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(this::accept, "slow-proxy");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /**
   * Starts a proxy on a free port of the loopback interface.
   *
   * @param redisUrl the Redis behind it
   * @param delayMs how long each reply is held back
   */
  public static SlowProxy start(String redisUrl, int delayMs) throws IOException {
    return new SlowProxy(URI.create(redisUrl), delayMs);
  }

  /** The proxy's URL, with the database of the Redis behind it. */
  public String url() {
    return "redis://127.0.0.1:" + server.getLocalPort() + redis.getPath();
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        Socket upstream = new Socket(redis.getHost(), redis.getPort());
        pump(client.getInputStream(), upstream.getOutputStream(), 0);
        pump(upstream.getInputStream(), client.getOutputStream(), delayMs);
      } catch (IOException e) {
        return;
      }
    }
  }

  /** Copies bytes, each chunk {@code delay} ms after it arrived. */
  private static void pump(InputStream from, OutputStream to, int delay) {
    Thread thread =
        new Thread(
            () -> {
              byte[] buffer = new byte[65536];
              try {
                for (int n; (n = from.read(buffer)) > 0; ) {
                  if (delay > 0) {
                    Thread.sleep(delay);
                  }
                  to.write(buffer, 0, n);
                  to.flush();
                }
              } catch (IOException | InterruptedException e) {
                // the connection ended
              }
            },
            "slow-proxy-pump");
    thread.setDaemon(true);
    thread.start();
  }

  /** Stops accepting; open connections end when either side closes them. */
  @Override
  public void close() throws IOException {
    server.close();
  }
}
