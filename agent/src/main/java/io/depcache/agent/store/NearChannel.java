package io.depcache.agent.store;

import io.depcache.agent.config.ManagerConfig;
import java.util.List;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The Redis commands of the near cache's coherence protocol: publish and subscribe under the prefix
 * ({@code &<prefix>:*}), the registry of subscribed JVMs and the invalidation sequence. Its own
 * pooled client, so that a subscription (which holds a connection for as long as it lives) never
 * takes one from the entries' store.
 */
public final class NearChannel implements AutoCloseable {
  /** What a subscription hears. */
  public interface Listener {
    /** The subscription to every channel asked for is confirmed by the server. */
    void subscribed();

    /**
     * A message on one of the channels.
     *
     * @param channel the channel
     * @param message the message
     */
    void message(String channel, String message);
  }

  private final UnifiedJedis redis;
  private volatile JedisPubSub current;

  private NearChannel(UnifiedJedis redis) {
    this.redis = redis;
  }

  /**
   * A channel on the standalone Redis of a manager's settings (URL, ACL user, password, TLS).
   *
   * @param settings a manager's settings, neither Cluster nor Sentinel
   * @return the channel; nothing connects before its first use
   */
  public static NearChannel open(ManagerConfig settings) {
    return new NearChannel(RedisClients.standalone(settings));
  }

  /**
   * Subscribes and delivers messages in the order the server sent them, until the connection breaks
   * or {@link #unsubscribe()}.
   *
   * @param listener what hears the subscription
   * @param channels the channels
   * @throws StoreException when the connection breaks or cannot be made
   */
  public void subscribe(Listener listener, String... channels) {
    JedisPubSub pubSub =
        new JedisPubSub() {
          private int confirmed;

          @Override
          public void onSubscribe(String channel, int count) {
            if (++confirmed == channels.length) {
              listener.subscribed();
            }
          }

          @Override
          public void onMessage(String channel, String message) {
            listener.message(channel, message);
          }
        };
    current = pubSub;
    try {
      redis.subscribe(pubSub, channels);
    } catch (JedisException e) {
      throw new StoreException("subscribe failed: " + e.getMessage(), e);
    } finally {
      current = null;
    }
  }

  /** Ends the subscription of {@link #subscribe}, if one runs. */
  public void unsubscribe() {
    JedisPubSub pubSub = current;
    if (pubSub != null && pubSub.isSubscribed()) {
      try {
        pubSub.unsubscribe();
      } catch (RuntimeException e) {
        // the connection is already broken: subscribe returns with its own failure
      }
    }
  }

  /**
   * Publishes a message.
   *
   * @return how many subscriptions received it
   * @throws StoreException when Redis cannot be reached
   */
  public long publish(String channel, String message) {
    try {
      return redis.publish(channel, message);
    } catch (JedisException e) {
      throw new StoreException("publish failed: " + e.getMessage(), e);
    }
  }

  /**
   * Records a member of a registry with a score (its expiry), and forgets members whose score is
   * below {@code forgetBelow}.
   *
   * @throws StoreException when Redis cannot be reached
   */
  public void register(String registry, String member, long score, long forgetBelow) {
    try {
      redis.zadd(registry, score, member);
      redis.zremrangeByScore(registry, Double.NEGATIVE_INFINITY, forgetBelow);
    } catch (JedisException e) {
      throw new StoreException("register failed: " + e.getMessage(), e);
    }
  }

  /**
   * The members of a registry whose score is at least {@code min}.
   *
   * @throws StoreException when Redis cannot be reached
   */
  public List<String> registered(String registry, long min) {
    try {
      return redis.zrangeByScore(registry, min, Double.POSITIVE_INFINITY);
    } catch (JedisException e) {
      throw new StoreException("read registry failed: " + e.getMessage(), e);
    }
  }

  /** Removes a member from a registry; a failure is ignored (its score lets it expire). */
  public void unregister(String registry, String member) {
    try {
      redis.zrem(registry, member);
    } catch (JedisException e) {
      // it expires by its score
    }
  }

  /**
   * The store's invalidation sequence now.
   *
   * @param sequenceKey from {@link KeyLayout#sequenceKey(String)}
   * @return the sequence, {@code 0} when there is none
   * @throws StoreException when Redis cannot be reached
   */
  public long sequence(String sequenceKey) {
    try {
      String value = redis.get(sequenceKey);
      return value == null ? 0 : Long.parseLong(value);
    } catch (NumberFormatException e) {
      return Long.MAX_VALUE;
    } catch (JedisException e) {
      throw new StoreException("read sequence failed: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    unsubscribe();
    redis.close();
  }
}
