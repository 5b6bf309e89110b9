package io.depcache.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy in front of a Redis that passes each answer on a fixed delay after it arrived, and
 * can hold depcache's fenced writes of entries until they are released: a Redis that answers slowly
 * though it is up, and one whose writes hang. Commands go through at once. Every round trip on a
 * connection takes the delay, opening one included (its {@code HELLO} and {@code CLIENT SETNAME}).
 */
public final class SlowProxy implements AutoCloseable {
  /**
   * What only a fenced write of an entry sends (its fence keys) among the commands of a cached
   * call; an invalidation sends it too, which a test must not make while writes are held.
   */
  private static final byte[] FENCE = "\u0000fence".getBytes(StandardCharsets.UTF_8);

  private final URI redis;
  private final int answerDelayMs;
  private final ServerSocket server;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final Object lock = new Object();
  private boolean holding;
  private int held;

  private SlowProxy(URI redis, int answerDelayMs) throws IOException {
    this.redis = redis;
    this.answerDelayMs = answerDelayMs;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
  }

  /**
   * Starts a proxy.
   *
   * @param redisUrl the Redis behind it
   * @param answerDelayMs how long each chunk of an answer waits before it is passed on
   * @return the proxy, accepting connections
   */
  public static SlowProxy start(String redisUrl, int answerDelayMs) throws IOException {
    SlowProxy proxy = new SlowProxy(URI.create(redisUrl), answerDelayMs);
    Thread acceptor = new Thread(proxy::accept, "slow-proxy");
    acceptor.setDaemon(true);
    acceptor.start();
    return proxy;
  }

  /** The URL of the proxy, with the database of the Redis behind it. */
  public String url() {
    return "redis://127.0.0.1:" + server.getLocalPort() + redis.getPath();
  }

  /** From now on, a command that writes an entry is held before it reaches Redis. */
  public void holdWrites() {
    synchronized (lock) {
      holding = true;
    }
  }

  /** Passes the held writes on, and every later one. */
  public void releaseWrites() {
    synchronized (lock) {
      holding = false;
      lock.notifyAll();
    }
  }

  /** How many writes wait for {@link #releaseWrites}. */
  public int heldWrites() {
    synchronized (lock) {
      return held;
    }
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        Socket upstream = new Socket(redis.getHost(), redis.getPort());
        sockets.add(client);
        sockets.add(upstream);
        pump(client.getInputStream(), upstream.getOutputStream(), 0, true);
        pump(upstream.getInputStream(), client.getOutputStream(), answerDelayMs, false);
      } catch (IOException e) {
        return;
      }
    }
  }

  /**
   * Copies bytes, each chunk {@code delayMs} after it arrived; a chunk of commands that writes an
   * entry waits while writes are held.
   */
  private void pump(InputStream from, OutputStream to, int delayMs, boolean commands) {
    Thread thread =
        new Thread(
            () -> {
              byte[] buffer = new byte[65536];
              // the end of the previous chunk, for a fence key split across two reads
              byte[] tail = new byte[0];
              try {
                for (int n; (n = from.read(buffer)) > 0; ) {
                  if (commands) {
                    byte[] seen = new byte[tail.length + n];
                    System.arraycopy(tail, 0, seen, 0, tail.length);
                    System.arraycopy(buffer, 0, seen, tail.length, n);
                    if (contains(seen, FENCE)) {
                      awaitRelease();
                    }
                    int kept = Math.min(seen.length, FENCE.length - 1);
                    tail = Arrays.copyOfRange(seen, seen.length - kept, seen.length);
                  }
                  if (delayMs > 0) {
                    Thread.sleep(delayMs);
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

  private void awaitRelease() throws InterruptedException {
    synchronized (lock) {
      held++;
      try {
        while (holding) {
          lock.wait();
        }
      } finally {
        held--;
      }
    }
  }

  private static boolean contains(byte[] bytes, byte[] part) {
    outer:
    for (int i = 0; i <= bytes.length - part.length; i++) {
      for (int j = 0; j < part.length; j++) {
        if (bytes[i + j] != part[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  @Override
  public void close() throws IOException {
    releaseWrites();
    server.close();
    for (Socket socket : sockets) {
      socket.close();
    }
  }
}
