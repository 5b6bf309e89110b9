package io.depcache.agent.store;

import io.depcache.agent.config.ManagerConfig;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Supplier;
import redis.clients.jedis.CommandArguments;
import redis.clients.jedis.Connection;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.JedisShardedPubSub;
import redis.clients.jedis.RedisProtocol;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.providers.ConnectionProvider;

/**
 * The Redis commands of the near cache's coherence protocol: publish and subscribe under the prefix
 * ({@code &<prefix>:*}; on a cluster, where every name begins with a hash tag, {@code
 * &{*}<prefix>:*}), the registry of subscribed JVMs with their hold filters, the reset count and
 * the invalidation sequence. On one server it has a pooled client of its own, so that a
 * subscription (which holds a connection for as long as it lives) never takes one from the entries'
 * store; under Sentinel and on a cluster it uses the store's ({@link #following}, {@link
 * #onCluster}). An announcement may also go with the store's invalidation ({@link #announcing}).
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

    /**
     * The subscription is being broken because the store moved to another server (a failover), told
     * on the thread that moved it, before {@link #subscribe} returns: stop relying on it now.
     */
    default void moving() {}
  }

  private static final Scripts PLAIN = new Scripts(false);
  private static final Scripts SHARDED = new Scripts(true);

  /** The protocol's scripts, publishing with {@code PUBLISH}, or {@code SPUBLISH} on a cluster. */
  private static final class Scripts {
    final LuaScript join;
    final LuaScript beat;
    final LuaScript ack;
    final LuaScript announce;
    final LuaScript drop;
    final LuaScript leave;
    final LuaScript pending;
    final LuaScript hold;

    Scripts(boolean sharded) {
      join = LuaScript.load("near-forget.lua", "near-join.lua");
      beat = publishing(sharded, "near-forget.lua", "near-beat.lua");
      ack = publishing(sharded, "near-ack.lua");
      announce = publishing(sharded, "near-announce.lua");
      drop = LuaScript.load("near-forget.lua", "near-drop.lua");
      leave = LuaScript.load("near-forget.lua", "near-leave.lua");
      pending = LuaScript.load("near-pending.lua");
      hold = LuaScript.load("near-hold.lua");
    }

    /** A script that publishes: with {@code SPUBLISH} on a cluster. */
    private static LuaScript publishing(boolean sharded, String... names) {
      LuaScript script = LuaScript.load(names);
      return sharded ? script.replacing("redis.call('PUBLISH',", "redis.call('SPUBLISH',") : script;
    }
  }

  private final Supplier<UnifiedJedis> redis;
  private final Supplier<Connection> subscriptions;

  /**
   * Put before every key and channel name: {@code ""}, or on a cluster the hash tag of the store's
   * sequence key, so that every key and channel of the protocol is in that key's slot.
   */
  private final String tag;

  private final boolean sharded;
  private final Runnable closeClient;
  private final Scripts scripts;
  private volatile Runnable unsubscriber;
  private volatile Connection subscription;
  private volatile Listener listening;

  private NearChannel(
      Supplier<UnifiedJedis> redis,
      Supplier<Connection> subscriptions,
      String tag,
      boolean sharded,
      Runnable closeClient) {
    this.redis = redis;
    this.subscriptions = subscriptions;
    this.tag = tag;
    this.sharded = sharded;
    this.closeClient = closeClient;
    this.scripts = sharded ? SHARDED : PLAIN;
  }

  /**
   * A channel on the standalone Redis of a manager's settings (URL, ACL user, password, TLS), with
   * connections of its own: a subscription holds one for as long as it lives.
   *
   * @param settings a manager's settings, neither Cluster nor Sentinel
   * @return the channel; nothing connects before its first use
   */
  public static NearChannel open(ManagerConfig settings) {
    ConnectionProvider[] made = new ConnectionProvider[1];
    UnifiedJedis redis = RedisClients.standalone(settings, p -> made[0] = p);
    ConnectionProvider connections = made[0];
    return new NearChannel(() -> redis, connections::getConnection, "", false, redis::close);
  }

  /**
   * A channel on the connections of a store that follows Sentinel's failovers: every command and
   * the subscription go to the primary the store talks to, and when the store moves to a new
   * primary the subscription is broken at once (the listener is told first), so that it is made
   * again on the new one. Closing the channel leaves the store's connections open.
   *
   * @param primary the store's connections
   */
  static NearChannel following(SentinelConnections primary) {
    ConnectionProvider shared =
        new ConnectionProvider() {
          @Override
          public Connection getConnection() {
            return primary.getConnection();
          }

          @Override
          public Connection getConnection(CommandArguments args) {
            return primary.getConnection(args);
          }

          @Override
          public void close() {
            // the store's: it closes them
          }
        };
    UnifiedJedis redis = new Shared(shared);
    NearChannel channel = new NearChannel(() -> redis, primary::getConnection, "", false, () -> {});
    primary.onMove(channel::moved);
    return channel;
  }

  /**
   * A channel on a Redis Cluster store's client: every key and channel of the protocol carries the
   * hash tag of the store's sequence key, so that each script runs in that key's slot, on one
   * primary, and reads the sequence there; messages are published with {@code SPUBLISH} and heard
   * with {@code SSUBSCRIBE} on a connection to that primary, which delivers them in the order its
   * scripts ran. When the slot moves to another primary (a failover, a resharding), the server ends
   * the subscription ({@code sunsubscribe}), and it is made again where the slot is. Closing the
   * channel leaves the store's client open.
   *
   * @param clients the store's cluster client
   * @param sequenceKey the store's sequence key, from {@link KeyLayout#sequenceKey(String)}
   */
  static NearChannel onCluster(ClusterClients clients, String sequenceKey) {
    String tag =
        new String(ClusterKeys.of(sequenceKey), StandardCharsets.UTF_8)
            .substring(0, ClusterKeys.TAG_LENGTH);
    int slot = ClusterKeys.slot(sequenceKey);
    return new NearChannel(
        clients::client, () -> clients.connectionToSlot(slot), tag, true, () -> {});
  }

  /** A client on connections it does not own. */
  private static final class Shared extends UnifiedJedis {
    Shared(ConnectionProvider connections) {
      super(connections, RedisProtocol.RESP2);
    }
  }

  /** The store moved to another server: the subscription to the old one is broken. */
  private void moved() {
    Listener told = listening;
    if (told != null) {
      told.moving();
    }
    breakSubscription();
  }

  /**
   * Breaks the subscription's connection, if one runs: {@link #subscribe} returns with a failure.
   * Not {@code UNSUBSCRIBE}: a server that does not answer would leave the subscription waiting.
   */
  public void breakSubscription() {
    Connection held = subscription;
    if (held != null) {
      held.setBroken();
      held.disconnect();
    }
  }

  private String name(String key) {
    return tag.isEmpty() ? key : tag + key;
  }

  /** The protocol's name of a channel the server named. */
  private String unnamed(String channel) {
    return tag.isEmpty() || !channel.startsWith(tag) ? channel : channel.substring(tag.length());
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
    String[] names = new String[channels.length];
    for (int i = 0; i < channels.length; i++) {
      names[i] = name(channels[i]);
    }
    listening = listener;
    Connection connection = null;
    try {
      connection = subscriptions.get();
      subscription = connection;
      if (sharded) {
        shardedSubscription(listener, channels.length).proceed(connection, names);
      } else {
        plainSubscription(listener, channels.length).proceed(connection, names);
      }
    } catch (JedisException e) {
      throw new StoreException("subscribe failed: " + e.getMessage(), e);
    } finally {
      subscription = null;
      listening = null;
      unsubscriber = null;
      if (connection != null) {
        // Never back to the pool: a reply to an unsubscription may still be on its way (the
        // server ends a sharded subscription on its own when the slot moves), and the next
        // borrower would read it as its own.
        connection.setBroken();
        try {
          connection.close();
        } catch (RuntimeException e) {
          // the pool could not take it back: closed here, so that it goes with nothing pending
          connection.disconnect();
        }
      }
    }
  }

  private JedisPubSub plainSubscription(Listener listener, int channels) {
    JedisPubSub pubSub =
        new JedisPubSub() {
          private int confirmed;

          @Override
          public void onSubscribe(String channel, int count) {
            if (++confirmed == channels) {
              listener.subscribed();
            }
          }

          @Override
          public void onMessage(String channel, String message) {
            listener.message(unnamed(channel), message);
          }
        };
    unsubscriber = pubSub::unsubscribe;
    return pubSub;
  }

  private JedisShardedPubSub shardedSubscription(Listener listener, int channels) {
    JedisShardedPubSub pubSub =
        new JedisShardedPubSub() {
          private int confirmed;

          @Override
          public void onSSubscribe(String channel, int count) {
            if (++confirmed == channels) {
              listener.subscribed();
            }
          }

          @Override
          public void onSMessage(String channel, String message) {
            listener.message(unnamed(channel), message);
          }
        };
    unsubscriber = pubSub::sunsubscribe;
    return pubSub;
  }

  /** Ends the subscription of {@link #subscribe}, if one runs. */
  public void unsubscribe() {
    Runnable stop = unsubscriber;
    if (stop != null) {
      try {
        stop.run();
      } catch (RuntimeException e) {
        // the connection is already broken: subscribe returns with its own failure
      }
    }
  }

  /**
   * Replaces a registration by a new one, in one step: {@code member} joins the registry with
   * {@code score} (its expiry), as its watermark the message counter now, and an empty hold filter
   * (under {@code holds}, as {@code near-forget.lua} tells); {@code old}, its watermark and its
   * filter go; registrations whose score is below {@code forgetBelow} go with theirs.
   *
   * @param holds the prefix of the hold filters' keys
   * @param resets the near caches' reset count ({@link #reset})
   * @return the reset count now
   * @throws StoreException when Redis cannot be reached
   */
  public long join(
      String registry,
      String watermarks,
      String counter,
      String holds,
      String resets,
      String member,
      String old,
      long score,
      long forgetBelow) {
    return (Long)
        script(
            "join",
            scripts.join,
            List.of(registry, watermarks, counter, holds, resets),
            member,
            old,
            Long.toString(score),
            Long.toString(forgetBelow));
  }

  /**
   * Publishes a heartbeat in one step with the renewal of its member's registration: the message
   * published is {@code message} followed by the reset count ({@link #reset}), {@code |}, and
   * {@code 1} if the member was still registered (and is renewed with {@code score}), {@code 0} if
   * it was not (it is not registered again).
   *
   * @return whether the member was registered
   * @throws StoreException when Redis cannot be reached
   */
  public boolean beat(
      String registry,
      String watermarks,
      String channel,
      String holds,
      String resets,
      String member,
      long score,
      long forgetBelow,
      String message) {
    return (Long)
            script(
                "heartbeat",
                scripts.beat,
                List.of(registry, watermarks, channel, holds, resets),
                member,
                Long.toString(score),
                Long.toString(forgetBelow),
                message)
        == 1;
  }

  /**
   * Acknowledges message {@code number}: raises the member's watermark to it if the member is
   * registered, and publishes {@code ack} on the invalidator's channel either way.
   *
   * @return whether the member was registered
   * @throws StoreException when Redis cannot be reached
   */
  public boolean ack(
      String registry, String watermarks, String channel, String member, long number, String ack) {
    return (Long)
            script(
                "acknowledgement",
                scripts.ack,
                List.of(registry, watermarks, channel),
                member,
                Long.toString(number),
                ack)
        == 1;
  }

  /** What {@link #announce} did: the message's number, the sequence it carries, the registry. */
  public record Announcement(long number, long sequence, List<String> registered) {}

  /**
   * Runs an {@linkplain #announcing announcing} script now, by itself.
   *
   * @return the message's number and sequence, and the members read
   * @throws StoreException when Redis cannot be reached
   */
  public Announcement announce(FollowUp script) {
    return announcement(script("publish", scripts.announce, script.keys, script.args));
  }

  /**
   * The script that publishes {@code head + number + "|" + sequence + tail} on {@code channel} and
   * reads the registry, in one step: {@code number} is the next value of {@code counter}
   * (subscriptions receive the messages in the order of their numbers), {@code sequence} the value
   * of {@code sequenceKey} ({@code 0} when there is none, {@link Long#MAX_VALUE} when it is not a
   * number), and the members of {@code registry} are those whose score is at least {@code
   * registeredSince}, read with the publication. Given {@code bits}, only those of them whose hold
   * filter has one of the bits set, and the message goes to their own channels ({@code channel +
   * ":" + id}, for a member {@code id/registration}), but {@code origin}'s, instead of {@code
   * channel}; should some registered member have no filter, every member is returned and the
   * message goes on {@code channel}.
   *
   * @param sequenceKey from {@link KeyLayout#sequenceKey(String)}
   * @param holds the prefix of the hold filters' keys
   * @param origin the invalidator's id, to which no message is sent
   * @param bits the hold filters' bits to look for; none: every member, and on {@code channel}
   * @return the script, for {@link #announce(FollowUp)} or for a store to run right after its
   *     invalidation in the same round trip ({@link CacheStore#invalidate(Collection, FollowUp)}),
   *     whose answer {@link #announced} reads
   */
  public FollowUp announcing(
      String counter,
      String channel,
      String sequenceKey,
      String registry,
      String holds,
      String head,
      String tail,
      long registeredSince,
      String origin,
      int... bits) {
    List<String> args = new ArrayList<>(4 + bits.length);
    args.add(head);
    args.add(tail);
    args.add(Long.toString(registeredSince));
    args.add(origin);
    for (int bit : bits) {
      args.add(Integer.toString(bit));
    }
    return new FollowUp(
        scripts.announce,
        names(List.of(counter, channel, sequenceKey, registry, holds)),
        bytes(args));
  }

  /**
   * What an {@linkplain #announcing announcing} script that a store answered did.
   *
   * @throws IllegalStateException when it was not answered
   */
  public Announcement announced(FollowUp script) {
    if (!script.answered()) {
      throw new IllegalStateException("the announcement was not run");
    }
    return announcement(script.reply());
  }

  private static Announcement announcement(Object answer) {
    List<?> reply = (List<?>) answer;
    List<?> members = (List<?>) reply.get(2);
    List<String> registered = new ArrayList<>(members.size());
    for (Object member : members) {
      registered.add(text(member));
    }
    return new Announcement(
        (Long) reply.get(0), Long.parseLong(text(reply.get(1))), List.copyOf(registered));
  }

  private static String text(Object reply) {
    return new String((byte[]) reply, StandardCharsets.UTF_8);
  }

  /**
   * Drops a member that did not acknowledge message {@code number}, unless its watermark is at
   * least {@code number} (it did, and the acknowledgement is still on its way).
   *
   * @return whether it was dropped
   * @throws StoreException when Redis cannot be reached
   */
  public boolean drop(
      String registry, String watermarks, String holds, String member, long number) {
    return (Long)
            script(
                "drop",
                scripts.drop,
                List.of(registry, watermarks, holds),
                member,
                Long.toString(number))
        == 1;
  }

  /**
   * Raises the near caches' reset count: every JVM whose heartbeat brings a count other than the
   * one it joined with empties its near cache and joins again before it serves (what an invalidator
   * does when it could not publish its message).
   *
   * @return the new count
   * @throws StoreException when Redis cannot be reached
   */
  public long reset(String resets) {
    try {
      return redis.get().incr(name(resets));
    } catch (JedisException e) {
      throw new StoreException("reset failed: " + e.getMessage(), e);
    }
  }

  /**
   * Sets {@code bits} in the hold filter of {@code member} (under {@code holds}), if it is
   * registered.
   *
   * @return whether it was registered (else nothing was set)
   * @throws StoreException when Redis cannot be reached
   */
  public boolean hold(String registry, String holds, String member, int... bits) {
    String[] args = new String[1 + bits.length];
    args[0] = member;
    for (int i = 0; i < bits.length; i++) {
      args[1 + i] = Integer.toString(bits[i]);
    }
    return (Long) script("hold", scripts.hold, List.of(registry, holds), args) == 1;
  }

  /**
   * Which of {@code members} have not accounted for message {@code number} yet: still registered,
   * with a watermark below it.
   *
   * @throws StoreException when Redis cannot be reached
   */
  public List<String> pending(
      String registry, String watermarks, long number, Collection<String> members) {
    String[] args = new String[members.size() + 1];
    args[0] = Long.toString(number);
    int i = 1;
    for (String member : members) {
      args[i++] = member;
    }
    List<?> found =
        (List<?>) script("pending", scripts.pending, List.of(registry, watermarks), args);
    List<String> out = new ArrayList<>(found.size());
    for (Object member : found) {
      out.add(text(member));
    }
    return out;
  }

  private Object script(String what, LuaScript script, List<String> keys, String... args) {
    return script(what, script, names(keys), bytes(List.of(args)));
  }

  private Object script(String what, LuaScript script, List<byte[]> keys, List<byte[]> args) {
    try {
      return script.run(redis.get(), keys, args);
    } catch (JedisException e) {
      throw new StoreException(what + " failed: " + e.getMessage(), e);
    }
  }

  private List<byte[]> names(List<String> keys) {
    List<byte[]> out = new ArrayList<>(keys.size());
    for (String key : keys) {
      out.add(name(key).getBytes(StandardCharsets.UTF_8));
    }
    return out;
  }

  private static List<byte[]> bytes(List<String> texts) {
    List<byte[]> out = new ArrayList<>(texts.size());
    for (String text : texts) {
      out.add(text.getBytes(StandardCharsets.UTF_8));
    }
    return out;
  }

  /**
   * Removes a member, its watermark and its hold filter; a failure is ignored (its score lets it
   * expire).
   */
  public void leave(String registry, String watermarks, String holds, String member) {
    try {
      scripts.leave.run(
          redis.get(), names(List.of(registry, watermarks, holds)), bytes(List.of(member)));
    } catch (RuntimeException e) {
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
      String value = redis.get().get(name(sequenceKey));
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
    breakSubscription();
    closeClient.run();
  }
}
