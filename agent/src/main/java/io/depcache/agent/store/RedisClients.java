package io.depcache.agent.store;

import io.depcache.agent.config.Redaction;
import java.net.URI;
import java.time.Duration;
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
      DefaultJedisClientConfig clientConfig =
          DefaultJedisClientConfig.builder()
              .connectionTimeoutMillis(timeoutMs)
              .socketTimeoutMillis(timeoutMs)
              .clientName("depcache")
              // Named, so that building the client does not open a connection to ask the server
              // (which would hold up the agent's start for as long as Redis is slow, and settle on
              // a protocol by whether Redis was up then). RESP2: every Redis and proxy speaks it.
              .protocol(RedisProtocol.RESP2)
              .build();
      // clientConfig before fromURI: fromURI merges the URL's credentials, db and TLS into it.
      return new DeadlineBuilder(URI.create(url), timeoutMs)
          .clientConfig(clientConfig)
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

    DeadlineBuilder(URI uri, int timeoutMs) {
      this.uri = uri;
      this.timeoutMs = timeoutMs;
    }

    @Override
    protected ConnectionProvider createDefaultConnectionProvider() {
      // clientConfig holds what fromURI merged into it: credentials, database, TLS.
      return new DeadlineConnections(
          new ConnectionFactory(JedisURIHelper.getHostAndPort(uri), clientConfig),
          poolConfig,
          timeoutMs);
    }
  }
}
