package io.depcache.agent.store;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.commons.pool2.PooledObjectFactory;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.CommandArguments;
import redis.clients.jedis.Connection;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.providers.ConnectionProvider;

/**
 * Connections to the primary that Redis Sentinel names, following failovers: one daemon thread,
 * {@code depcache-sentinel}, asks the sentinels for the primary's address every {@value #POLL_MS}
 * ms ({@code SENTINEL get-master-addr-by-name}); when it moved, calls go to the new one, through a
 * fresh pool of {@link DeadlineConnections}, and the old pool is closed.
 *
 * <p>A sentinel is asked over TLS when the primary is ({@code rediss://}), and as the ACL user of
 * the primary ({@code depcache.redis.user}, {@code .password}, or the URL's) when one is set: there
 * is no key for credentials of the sentinels' own. A sentinel that refuses that login (one that
 * knows no such user, as sentinels without a password of their own) is asked again without it. When
 * no sentinel answers, a call fails naming why the last one did not.
 *
 * <p>Callers never talk to a sentinel: they take a connection to the primary known last, under the
 * same deadline as a standalone store, and a call waits at most the timeout for the first answer of
 * the sentinels. While a failover is under way the old primary refuses writes ({@code READONLY}) or
 * does not answer: the store is unavailable for that long, and the invalidations it refuses wait
 * and are retried ({@link ResilientStore}) until the new primary takes them.
 */
final class SentinelConnections implements ConnectionProvider {
  private static final Logger LOG = LoggerFactory.getLogger("depcache");
  static final long POLL_MS = 250;

  private final String master;
  private final List<HostAndPort> sentinels;
  private final List<JedisClientConfig> logins;
  private final Function<HostAndPort, PooledObjectFactory<Connection>> connections;
  private final GenericObjectPoolConfig<Connection> poolConfig;
  private final int timeoutMs;
  private final CountDownLatch known = new CountDownLatch(1);
  private final Thread watcher;
  private volatile HostAndPort primary;
  private volatile DeadlineConnections pool;
  private volatile boolean closed;

  /** Set while the invalidations of a failover window are made again on the new primary. */
  private volatile boolean replaying;

  private volatile Runnable onFailover = () -> {};

  /** Told, on the watcher thread, right after calls were moved to a new primary. */
  private final List<Runnable> onMove = new CopyOnWriteArrayList<>();

  private Jedis sentinel;
  private int next;

  /** Why the last sentinel asked did not name the primary, or {@code null} when it did. */
  private volatile String unanswered;

  /**
   * Starts watching the sentinels.
   *
   * @param master the master name the sentinels monitor ({@code depcache.redis.sentinel.master})
   * @param sentinels their addresses ({@code depcache.redis.sentinel.nodes})
   * @param logins how to talk to a sentinel (timeouts, TLS), in the order tried: with the
   *     credentials first, then without them, when a sentinel refuses the login
   * @param connections opens connections to a primary at an address
   */
  SentinelConnections(
      String master,
      List<HostAndPort> sentinels,
      List<JedisClientConfig> logins,
      Function<HostAndPort, PooledObjectFactory<Connection>> connections,
      GenericObjectPoolConfig<Connection> poolConfig,
      int timeoutMs) {
    this.master = master;
    this.sentinels = List.copyOf(sentinels);
    this.logins = List.copyOf(logins);
    this.connections = connections;
    this.poolConfig = poolConfig;
    this.timeoutMs = timeoutMs;
    this.watcher = AgentThreads.daemon(this::watch, "depcache-sentinel");
    watcher.start();
  }

  /**
   * What to do on the new primary after a failover, before any other call may use it ({@link
   * FailoverReplay#replay}); when it throws, it is tried again at the next poll.
   */
  void onFailover(Runnable action) {
    this.onFailover = action;
  }

  /**
   * What to do right after calls were moved to a new primary (a failover), on the watcher thread,
   * before the failover's invalidations are made again there: the near cache's channel breaks its
   * subscription to the old primary. It must not block.
   */
  void onMove(Runnable action) {
    onMove.add(action);
  }

  @Override
  public Connection getConnection() {
    if (replaying && Thread.currentThread() != watcher) {
      throw new JedisConnectionException(
          "Sentinel failover of '"
              + master
              + "': recent invalidations are being made again on the new primary "
              + primary);
    }
    DeadlineConnections current = pool;
    if (current == null) {
      try {
        known.await(timeoutMs, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      current = pool;
      if (current == null) {
        String why = unanswered;
        throw new JedisConnectionException(
            "no sentinel of "
                + sentinels
                + " named the primary of '"
                + master
                + "' yet"
                + (why == null ? "" : ": " + why));
      }
    }
    return current.getConnection();
  }

  @Override
  public Connection getConnection(CommandArguments args) {
    return getConnection();
  }

  /** The primary's address as last named by a sentinel, or {@code null}. */
  HostAndPort primary() {
    return primary;
  }

  @Override
  public void close() {
    closed = true;
    watcher.interrupt();
    DeadlineConnections current = pool;
    if (current != null) {
      current.close();
    }
  }

  private void watch() {
    while (!closed) {
      HostAndPort named = ask();
      if (named != null && !named.equals(primary)) {
        switchTo(named);
      }
      if (replaying) {
        try {
          onFailover.run();
          replaying = false;
        } catch (RuntimeException e) {
          LOG.debug(
              "depcache: the new primary {} did not take them yet: {}", primary, e.toString());
        }
      }
      try {
        Thread.sleep(POLL_MS);
      } catch (InterruptedException e) {
        break;
      }
    }
    if (sentinel != null) {
      sentinel.close();
    }
  }

  /** The primary's address from the first sentinel that answers, or {@code null}. */
  private HostAndPort ask() {
    for (int tried = 0; tried < sentinels.size() && !closed; tried++) {
      HostAndPort at = sentinels.get(next);
      String why = null;
      for (int login = 0; login < logins.size() && !closed; login++) {
        try {
          if (sentinel == null) {
            sentinel = new Jedis(at, logins.get(login));
          }
          List<String> address = sentinel.sentinelGetMasterAddrByName(master);
          if (address != null && address.size() == 2) {
            unanswered = null;
            return new HostAndPort(address.get(0), Integer.parseInt(address.get(1)));
          }
          why = "sentinel " + at + " knows no master '" + master + "'";
          LOG.debug("depcache: {}", why);
          break;
        } catch (RuntimeException e) {
          closeSentinel();
          // the first refusal says why: without the credentials, a sentinel that wants them only
          // says NOAUTH
          if (why == null) {
            why = "sentinel " + at + ": " + describe(e);
          }
          LOG.debug("depcache: sentinel {} did not answer: {}", at, e.toString());
          if (!ConnectFailures.isLoginRefused(e)) {
            break;
          }
        }
      }
      closeSentinel();
      unanswered = why;
      next = (next + 1) % sentinels.size();
    }
    return null;
  }

  private boolean isTls() {
    return logins.get(0).isSsl();
  }

  /** Why a sentinel did not answer; a plain connection it closed may be one to a TLS-only port. */
  private String describe(RuntimeException e) {
    String why = ConnectFailures.describe(e, isTls());
    if (isTls()) {
      return why;
    }
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof java.net.SocketException
          || String.valueOf(cause.getMessage()).contains("Unexpected end of stream")) {
        return why
            + " (the connection was closed unanswered: a sentinel that speaks only TLS closes plain"
            + " connections; rediss:// in depcache.redis.url turns TLS on)";
      }
    }
    return why;
  }

  private void closeSentinel() {
    if (sentinel != null) {
      sentinel.close();
      sentinel = null;
    }
  }

  private void switchTo(HostAndPort named) {
    DeadlineConnections old = pool;
    // the first primary has nothing to catch up with; any later one may have
    replaying = old != null;
    pool = new DeadlineConnections(connections.apply(named), poolConfig, timeoutMs);
    HostAndPort before = primary;
    primary = named;
    known.countDown();
    if (old != null) {
      // idle connections only: one borrowed for a subscription is broken by whoever holds it
      old.close();
      for (Runnable action : onMove) {
        try {
          action.run();
        } catch (RuntimeException e) {
          LOG.debug("depcache: after the failover of '{}': {}", master, e.toString());
        }
      }
    }
    if (before == null) {
      LOG.info("depcache: Redis Sentinel names {} the primary of '{}'", named, master);
    } else {
      LOG.info(
          "depcache: Redis Sentinel failover of '{}': primary {} is now {}", master, before, named);
    }
  }
}
