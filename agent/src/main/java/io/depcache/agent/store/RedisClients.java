package io.depcache.agent.store;

import io.depcache.agent.config.ManagerConfig;
import io.depcache.agent.config.Redaction;
import io.depcache.agent.config.TlsSettings;
import java.net.URI;
import java.time.Duration;
import org.apache.commons.pool2.BasePooledObjectFactory;
import org.apache.commons.pool2.PooledObject;
import org.apache.commons.pool2.PooledObjectFactory;
import org.apache.commons.pool2.impl.DefaultPooledObject;
import redis.clients.jedis.Connection;
import redis.clients.jedis.ConnectionFactory;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisProtocol;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.providers.ConnectionProvider;
import redis.clients.jedis.util.JedisURIHelper;

/**
 * How the Redis stores reach Redis: the Jedis clients, their pools and timeouts, from a URL. The
 * clients connect lazily, so creating one succeeds while Redis is down; every call then waits at
 * most the timeout, for a connection and its command together ({@link DeadlineConnections}). A
 * failure names the URL without its password.
 */
final class RedisClients {
  private RedisClients() {}

  /**
   * A pooled client of one standalone server.
   *
   * @param url {@code redis://[user:password@]host:port[/db]}, or {@code rediss://} for TLS
   * @param timeoutMs the connect, read and pool-wait timeout of every call, in milliseconds
   * @throws StoreException when the URL is not a valid Redis URL
   */
  static UnifiedJedis standalone(String url, int timeoutMs) {
    return standalone(url, timeoutMs, null, null, TlsSettings.DEFAULT);
  }

  /**
   * A pooled client of the standalone server of a manager's settings: its URL, timeout, ACL user
   * and password ({@code depcache.redis.user}, {@code .password}) and, for {@code rediss://}, TLS
   * ({@code depcache.redis.tls.*}).
   *
   * <p>A trust or key store that cannot be read does not stop the client from being made: every
   * call then fails, as an outage does, with a message that names the store, so that the
   * application runs uncached and the log says why once.
   *
   * @param settings a manager's settings
   * @throws StoreException when the URL is not a valid Redis URL
   */
  static UnifiedJedis standalone(ManagerConfig settings) {
    return standalone(
        settings.redisUrl(),
        settings.timeoutMs(),
        settings.redisUser(),
        settings.redisPassword(),
        settings.tls());
  }

  private static UnifiedJedis standalone(
      String url, int timeoutMs, String user, String password, TlsSettings tls) {
    String redacted = Redaction.redactUrl(url);
    try {
      ConnectionPoolConfig pool = new ConnectionPoolConfig();
      pool.setMaxTotal(64);
      // As many kept as made: a burst that opened them (thousands of virtual threads at once)
      // would otherwise close all but a few on return, and the next burst open them again.
      pool.setMaxIdle(64);
      pool.setMinIdle(0);
      pool.setBlockWhenExhausted(true);
      pool.setMaxWait(Duration.ofMillis(timeoutMs));
      DefaultJedisClientConfig.Builder clientConfig =
          DefaultJedisClientConfig.builder()
              .connectionTimeoutMillis(timeoutMs)
              .socketTimeoutMillis(timeoutMs)
              .clientName("depcache")
              // Named, so that building the client does not open a connection to ask the server
              // (which would hold up the agent's start for as long as Redis is slow, and settle on
              // a protocol by whether Redis was up then). RESP2: every Redis and proxy speaks it.
              .protocol(RedisProtocol.RESP2);
      if (password != null) {
        clientConfig.user(user).password(password);
      }
      StoreException unusable = null;
      if (url.regionMatches(true, 0, "rediss://", 0, 9)) {
        try {
          TlsContext context = TlsContext.of(tls);
          clientConfig
              .ssl(true)
              .sslSocketFactory(context.socketFactory())
              .sslParameters(context.parameters());
        } catch (StoreException e) {
          unusable = e;
        }
      }
      // clientConfig before fromURI: fromURI merges the URL's credentials, db and TLS into it.
      return new DeadlineBuilder(URI.create(url), timeoutMs, unusable)
          .clientConfig(clientConfig.build())
          .fromURI(url)
          .poolConfig(pool)
          .build();
    } catch (RuntimeException e) {
      // A URL parser may quote the whole URL, password included: then keep neither its message
      // nor the cause, which a stack trace would print.
      String detail = String.valueOf(e.getMessage());
      int scheme = url.indexOf("://");
      int at = url.lastIndexOf('@');
      if (scheme >= 0 && at > scheme + 3 && detail.contains(url.substring(scheme + 3, at))) {
        throw new StoreException(
            "connect to " + redacted + " failed: " + e.getClass().getSimpleName());
      }
      throw new StoreException("connect to " + redacted + " failed: " + detail, e);
    }
  }

  /** Jedis' own builder, with connections under one deadline per call. */
  private static final class DeadlineBuilder extends RedisClient.Builder {
    private final URI uri;
    private final int timeoutMs;
    private final StoreException unusable;

    DeadlineBuilder(URI uri, int timeoutMs, StoreException unusable) {
      this.uri = uri;
      this.timeoutMs = timeoutMs;
      this.unusable = unusable;
    }

    @Override
    protected ConnectionProvider createDefaultConnectionProvider() {
      // clientConfig holds what fromURI merged into it: credentials, database, TLS.
      PooledObjectFactory<Connection> connections =
          unusable != null
              ? new Unusable(unusable)
              : new ConnectionFactory(JedisURIHelper.getHostAndPort(uri), clientConfig);
      return new DeadlineConnections(connections, poolConfig, timeoutMs);
    }
  }

  /** Connections that cannot be made, for settings that cannot work (an unreadable trust store). */
  static final class Unusable extends BasePooledObjectFactory<Connection> {
    private final StoreException why;

    Unusable(StoreException why) {
      this.why = why;
    }

    @Override
    public Connection create() {
      throw new StoreException(why.getMessage(), null);
    }

    @Override
    public PooledObject<Connection> wrap(Connection connection) {
      return new DefaultPooledObject<>(connection);
    }
  }
}
