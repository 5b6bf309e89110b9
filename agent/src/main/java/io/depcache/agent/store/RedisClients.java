package io.depcache.agent.store;

import io.depcache.agent.config.ManagerConfig;
import io.depcache.agent.config.Redaction;
import io.depcache.agent.config.TlsSettings;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.commons.pool2.BasePooledObjectFactory;
import org.apache.commons.pool2.PooledObject;
import org.apache.commons.pool2.PooledObjectFactory;
import org.apache.commons.pool2.impl.DefaultPooledObject;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.Connection;
import redis.clients.jedis.ConnectionFactory;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisCredentials;
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
    return standalone(url, timeoutMs, provider -> {});
  }

  /** {@link #standalone(String, int)}, handing its connections to {@code made}. */
  static UnifiedJedis standalone(String url, int timeoutMs, Consumer<ConnectionProvider> made) {
    return standalone(url, timeoutMs, null, null, TlsSettings.DEFAULT, made);
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
    return standalone(settings, provider -> {});
  }

  /**
   * {@link #standalone(ManagerConfig)}, handing its connections to {@code made}: a subscription
   * takes one of them for as long as it lives.
   */
  static UnifiedJedis standalone(ManagerConfig settings, Consumer<ConnectionProvider> made) {
    return standalone(
        settings.redisUrl(),
        settings.timeoutMs(),
        settings.redisUser(),
        settings.redisPassword(),
        settings.tls(),
        made);
  }

  /**
   * A client of the primary that Redis Sentinel names ({@code depcache.redis.sentinel.master} and
   * {@code .nodes}), following failovers ({@link SentinelConnections}). The URL still gives the
   * database, the credentials and TLS ({@code rediss://}: the primary and the sentinels), not the
   * host; the sentinels are asked with the same credentials and TLS ({@link #sentinelLogins}).
   *
   * @param settings a manager's settings, with a sentinel master
   * @param made given the provider, for what must happen after a failover
   */
  static UnifiedJedis sentinel(ManagerConfig settings, Consumer<SentinelConnections> made) {
    List<HostAndPort> sentinels = new ArrayList<>();
    for (String node : settings.sentinelNodes()) {
      sentinels.add(HostAndPort.from(node));
    }
    return client(
        settings.redisUrl(),
        settings.timeoutMs(),
        settings.redisUser(),
        settings.redisPassword(),
        settings.tls(),
        (builder, factory) -> {
          SentinelConnections provider =
              new SentinelConnections(
                  settings.sentinelMaster(),
                  sentinels,
                  sentinelLogins(builder.clientConfig(), settings.timeoutMs()),
                  factory,
                  builder.poolConfig(),
                  settings.timeoutMs());
          made.accept(provider);
          return provider;
        });
  }

  /**
   * How to talk to a sentinel, from what the primary's connections are made with ({@code merged},
   * the URL merged into the settings): the same TLS, and the same credentials when there are some;
   * then the same without credentials, for sentinels that know no such user. Not its database,
   * which a sentinel has none of.
   */
  private static List<JedisClientConfig> sentinelLogins(JedisClientConfig merged, int timeoutMs) {
    DefaultJedisClientConfig.Builder config =
        DefaultJedisClientConfig.builder()
            .connectionTimeoutMillis(timeoutMs)
            .socketTimeoutMillis(timeoutMs)
            .clientName("depcache")
            .protocol(RedisProtocol.RESP2)
            .ssl(merged.isSsl())
            .sslSocketFactory(merged.getSslSocketFactory())
            .sslParameters(merged.getSslParameters())
            .hostnameVerifier(merged.getHostnameVerifier());
    JedisClientConfig anonymous = config.build();
    Supplier<RedisCredentials> credentials = merged.getCredentialsProvider();
    if (credentials == null
        || credentials.get() == null
        || credentials.get().getPassword() == null) {
      return List.of(anonymous);
    }
    return List.of(config.credentialsProvider(credentials).build(), anonymous);
  }

  /** What every connection of depcache's is made with: the timeouts, its name, the protocol. */
  static DefaultJedisClientConfig.Builder nodeConfig(int timeoutMs) {
    return DefaultJedisClientConfig.builder()
        .connectionTimeoutMillis(timeoutMs)
        .socketTimeoutMillis(timeoutMs)
        .clientName("depcache")
        // Named, so that building the client does not open a connection to ask the server (which
        // would hold up the agent's start for as long as Redis is slow, and settle on a protocol by
        // whether Redis was up then). RESP2: every Redis and proxy speaks it.
        .protocol(RedisProtocol.RESP2);
  }

  /**
   * How to talk to the nodes of a Redis Cluster: the ACL user and password ({@code
   * depcache.redis.user}, {@code .password}, or those of {@code depcache.redis.url}), and TLS when
   * {@code depcache.redis.url} is {@code rediss://} (its host is not used, as with Sentinel) or a
   * trust or key store is set ({@code depcache.redis.tls.*}).
   *
   * @throws StoreException when a trust or key store cannot be read (naming it, never a password)
   */
  static JedisClientConfig clusterNodeConfig(ManagerConfig settings) {
    DefaultJedisClientConfig.Builder config = nodeConfig(settings.timeoutMs());
    String user = settings.redisUser();
    String password = settings.redisPassword();
    if (password == null) {
      URI uri = URI.create(settings.redisUrl());
      user = JedisURIHelper.getUser(uri);
      password = JedisURIHelper.getPassword(uri);
    }
    if (password != null) {
      config.user(user).password(password);
    }
    if (settings.redisUrl().regionMatches(true, 0, "rediss://", 0, 9)
        || settings.tls().truststore() != null
        || settings.tls().keystore() != null) {
      TlsContext context = TlsContext.of(settings.tls());
      config
          .ssl(true)
          .sslSocketFactory(context.socketFactory())
          .sslParameters(context.parameters());
    }
    return config.build();
  }

  private static UnifiedJedis standalone(
      String url,
      int timeoutMs,
      String user,
      String password,
      TlsSettings tls,
      Consumer<ConnectionProvider> made) {
    return client(
        url,
        timeoutMs,
        user,
        password,
        tls,
        (builder, factory) -> {
          DeadlineConnections connections =
              new DeadlineConnections(
                  factory.apply(JedisURIHelper.getHostAndPort(URI.create(url))),
                  builder.poolConfig(),
                  timeoutMs);
          made.accept(connections);
          return connections;
        });
  }

  /**
   * Builds the connection provider, from the builder's merged settings and a connection factory.
   */
  private interface Provider {
    ConnectionProvider create(
        DeadlineBuilder builder, Function<HostAndPort, PooledObjectFactory<Connection>> factory);
  }

  private static UnifiedJedis client(
      String url, int timeoutMs, String user, String password, TlsSettings tls, Provider provider) {
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
      DefaultJedisClientConfig.Builder clientConfig = nodeConfig(timeoutMs);
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
      return new DeadlineBuilder(provider, unusable)
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
    private final Provider provider;
    private final StoreException unusable;

    DeadlineBuilder(Provider provider, StoreException unusable) {
      this.provider = provider;
      this.unusable = unusable;
    }

    JedisClientConfig clientConfig() {
      return clientConfig;
    }

    GenericObjectPoolConfig<Connection> poolConfig() {
      return poolConfig;
    }

    @Override
    protected ConnectionProvider createDefaultConnectionProvider() {
      // clientConfig holds what fromURI merged into it: credentials, database, TLS.
      return provider.create(
          this,
          address ->
              unusable != null
                  ? new Unusable(unusable)
                  : new ConnectionFactory(address, clientConfig));
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
