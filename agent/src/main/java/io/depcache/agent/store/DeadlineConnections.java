package io.depcache.agent.store;

import java.net.SocketTimeoutException;
import java.util.NoSuchElementException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.commons.pool2.PooledObject;
import org.apache.commons.pool2.PooledObjectFactory;
import org.apache.commons.pool2.impl.DefaultPooledObject;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.CommandArguments;
import redis.clients.jedis.Connection;
import redis.clients.jedis.ConnectionPool;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.providers.ConnectionProvider;

/**
 * Pooled connections under one deadline per call: taking a connection and the command sent on it
 * wait at most the timeout together, not the timeout each.
 *
 * <p>Opening a connection is several round trips before the command (the TCP and TLS handshakes,
 * {@code HELLO}, {@code AUTH}, {@code CLIENT SETNAME}, {@code SELECT}), each allowed the whole
 * socket timeout: against a Redis that answers slowly, a cold call would wait several timeouts. So
 * connections are opened on threads of their own ({@value #OPENING_THREADS} at most, named {@code
 * depcache-redis-open}) while the caller waits for at most the timeout; a connection that opens
 * after its caller gave up is kept (up to {@value #KEPT_LATE}) for the next one needed, and the
 * caller's call fails as a timeout. The command then gets what is left of the timeout as its socket
 * timeout, restored when the connection goes back to the pool. A call that waited the whole timeout
 * for a free connection fails without sending anything, as {@link ConnectionsBusy}: this JVM's
 * congestion (more calls at once than connections, e.g. thousands of virtual threads), which must
 * not open the circuit as an outage of Redis would.
 *
 * <p>The pool also opens connections of its own accord: when a broken one is returned, it opens
 * another on the thread that returned it. That one opens behind the call, which goes on at once.
 */
final class DeadlineConnections implements ConnectionProvider {
  private static final int OPENING_THREADS = 4;
  private static final int KEPT_LATE = 8;

  private final ConnectionPool pool;
  private final int timeoutMs;
  private final ThreadPoolExecutor opener;
  private final BlockingQueue<Connection> openedLate = new ArrayBlockingQueue<>(KEPT_LATE);
  private volatile boolean closed;

  /** Set while a caller takes a connection: only then does opening one wait. */
  private static final ThreadLocal<boolean[]> TAKING =
      ThreadLocal.withInitial(() -> new boolean[1]);

  /**
   * @param connections opens one connection, with the socket timeout {@code timeoutMs}
   * @param poolConfig the pool's sizes; its wait for a free connection should be the timeout
   * @param timeoutMs the most a call may wait for a connection and its command together
   */
  DeadlineConnections(
      PooledObjectFactory<Connection> connections,
      GenericObjectPoolConfig<Connection> poolConfig,
      int timeoutMs) {
    this.timeoutMs = timeoutMs;
    AtomicInteger threads = new AtomicInteger();
    this.opener =
        new ThreadPoolExecutor(
            OPENING_THREADS,
            OPENING_THREADS,
            30,
            TimeUnit.SECONDS,
            // as many openings as the pool has connections, and no more
            new ArrayBlockingQueue<>(Math.max(1, poolConfig.getMaxTotal())),
            task -> AgentThreads.daemon(task, "depcache-redis-open-" + threads.incrementAndGet()));
    opener.allowCoreThreadTimeOut(true);
    this.pool = new ConnectionPool(new OffThread(connections), poolConfig);
  }

  @Override
  public Connection getConnection() {
    long start = System.nanoTime();
    Connection connection;
    boolean[] taking = TAKING.get(); // one flag per thread, set and cleared without allocating
    taking[0] = true;
    try {
      connection = pool.getResource();
    } catch (JedisException e) {
      if (e.getCause() instanceof NoSuchElementException exhausted) {
        throw new ConnectionsBusy(
            "no connection of "
                + pool.getMaxTotal()
                + " came free within "
                + timeoutMs
                + " ms (this JVM has more calls waiting for Redis than connections)",
            exhausted);
      }
      throw e;
    } finally {
      taking[0] = false;
    }
    long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    if (waitedMs > 0) {
      if (waitedMs >= timeoutMs) {
        // Opening one would have failed in its own time: this was the wait for a free one.
        connection.close(); // back to the pool, unused
        throw new ConnectionsBusy("waiting for a free connection took " + waitedMs + " ms", null);
      }
      connection.setSoTimeout((int) (timeoutMs - waitedMs));
    }
    return connection;
  }

  @Override
  public Connection getConnection(CommandArguments args) {
    return getConnection();
  }

  @Override
  public void close() {
    closed = true;
    opener.shutdownNow();
    pool.close();
    for (Connection late; (late = openedLate.poll()) != null; ) {
      late.close();
    }
  }

  /**
   * A connection that could not be opened (as opposed to one that failed later): what a server that
   * refuses the client's TLS certificate looks like to the client under TLS 1.3, where the refusal
   * arrives as a closed connection.
   */
  static final class OpeningFailed extends JedisConnectionException {
    private static final long serialVersionUID = 1L;

    OpeningFailed(JedisConnectionException cause) {
      super(cause.getMessage(), cause);
    }
  }

  private static JedisConnectionException timedOut(String what) {
    // A SocketTimeoutException as cause, as for a read timeout: the call is not tried again.
    return new JedisConnectionException(what, new SocketTimeoutException(what));
  }

  /** Opens connections on the opener's threads; restores the socket timeout of returned ones. */
  private final class OffThread implements PooledObjectFactory<Connection> {
    private final PooledObjectFactory<Connection> connections;

    OffThread(PooledObjectFactory<Connection> connections) {
      this.connections = connections;
    }

    @Override
    public PooledObject<Connection> makeObject() throws Exception {
      for (Connection late; (late = openedLate.poll()) != null; ) {
        if (late.isConnected() && !late.isBroken()) {
          return new DefaultPooledObject<>(late);
        }
        late.close();
      }
      CompletableFuture<PooledObject<Connection>> opening = new CompletableFuture<>();
      try {
        opener.execute(
            () -> {
              try {
                opening.complete(connections.makeObject());
              } catch (JedisConnectionException e) {
                opening.completeExceptionally(new OpeningFailed(e));
              } catch (Throwable e) {
                opening.completeExceptionally(e);
              }
            });
      } catch (RejectedExecutionException e) {
        throw new JedisConnectionException("too many connections are being opened", e);
      }
      if (!TAKING.get()[0]) {
        // The pool replacing a broken connection on the thread of a call that already failed.
        opening.thenAccept(this::keepLate);
        throw new JedisConnectionException("a connection is being opened for the pool");
      }
      try {
        return opening.get(timeoutMs, TimeUnit.MILLISECONDS);
      } catch (ExecutionException e) {
        throw e.getCause() instanceof Exception cause ? cause : e;
      } catch (TimeoutException | InterruptedException e) {
        if (e instanceof InterruptedException) {
          Thread.currentThread().interrupt();
        }
        opening.thenAccept(this::keepLate);
        throw timedOut("opening a connection took longer than " + timeoutMs + " ms");
      }
    }

    private void keepLate(PooledObject<Connection> late) {
      if (closed || !openedLate.offer(late.getObject())) {
        late.getObject().close();
      }
    }

    @Override
    public void passivateObject(PooledObject<Connection> pooled) throws Exception {
      Connection connection = pooled.getObject();
      if (connection.getSoTimeout() != timeoutMs && connection.isConnected()) {
        connection.setSoTimeout(timeoutMs);
      }
      connections.passivateObject(pooled);
    }

    @Override
    public void activateObject(PooledObject<Connection> pooled) throws Exception {
      connections.activateObject(pooled);
    }

    @Override
    public void destroyObject(PooledObject<Connection> pooled) throws Exception {
      connections.destroyObject(pooled);
    }

    @Override
    public boolean validateObject(PooledObject<Connection> pooled) {
      return connections.validateObject(pooled);
    }
  }
}
