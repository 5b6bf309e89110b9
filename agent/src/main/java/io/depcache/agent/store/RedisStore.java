package io.depcache.agent.store;

import io.depcache.agent.config.ManagerConfig;
import io.depcache.agent.config.Redaction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import redis.clients.jedis.BuilderFactory;
import redis.clients.jedis.CommandArguments;
import redis.clients.jedis.CommandObject;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.args.Rawable;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.params.SetParams;
import redis.clients.jedis.providers.ConnectionProvider;
import redis.clients.jedis.resps.ScanResult;

/**
 * A {@link CacheStore} on one standalone Redis server, with the key layout of {@link KeyLayout}.
 *
 * <p>Entries are plain strings ({@code SET ... PX ttl}); a dependency set is a Redis sorted set of
 * complete entry keys, in the order they joined (a plain set from an agent before them is still
 * served). {@link #put} is one Lua script ({@code put.lua}), so an entry is never visible without
 * its registrations. {@link #invalidate} fences and detaches the dependency sets in one script,
 * then drains them with scripts bounded by time ({@link RedisInvalidator}); {@link #clear} and the
 * fences of {@link #delete} work in batches of {@value #BATCH} keys: no single command blocks
 * Redis, whatever the number of dependents.
 *
 * <p>The connection is lazy ({@link RedisClients}): {@link #connect} succeeds while Redis is down,
 * and every call waits at most about the configured timeout.
 */
public final class RedisStore implements CacheStore {
  static final int BATCH = 500;

  private static final LuaScript PUT = LuaScript.load("put.lua");
  private static final LuaScript FENCE = LuaScript.load("next-sequence.lua", "fence.lua");
  private static final LuaScript RELEASE = LuaScript.load("release.lua");
  private static final byte[] FENCE_RETENTION = bytes(Long.toString(FENCE_RETENTION_MILLIS));
  private static final byte[] UNFENCED = bytes("-1");

  private final UnifiedJedis client;
  private final String redactedUrl;
  private final byte[] sequenceKey;
  private final byte[] epochKey;
  private final Rawable sequenceArgument;
  private final SharedLookups lookups;
  private final RedisInvalidator invalidator;

  /**
   * @param connections the client's own connections: a large invalidation takes one to read and
   *     unlink a dependency set on ({@link RedisInvalidator})
   */
  RedisStore(
      UnifiedJedis client,
      ConnectionProvider connections,
      String redactedUrl,
      String sequenceKey,
      int timeoutMs) {
    this.client = client;
    this.redactedUrl = redactedUrl;
    this.sequenceKey = bytes(sequenceKey);
    this.epochKey = bytes(KeyLayout.epochKey(sequenceKey));
    this.sequenceArgument = new Uncopied(this.sequenceKey);
    Function<byte[][], List<byte[]>> mget = this::mget;
    Function<byte[], List<byte[]>> mgetOne = this::mgetOne;
    this.lookups =
        new SharedLookups(
            keys -> RedisCalls.run(redactedUrl, "MGET", mget, keys),
            key -> RedisCalls.run(redactedUrl, "MGET", mgetOne, key),
            this.sequenceKey,
            timeoutMs);
    this.invalidator =
        new RedisInvalidator(
            client, connections::getConnection, redactedUrl, this.sequenceKey, epochKey);
  }

  /**
   * Creates a store for a Redis URL without connecting yet.
   *
   * @param url {@code redis://[user:password@]host:port[/db]}, or {@code rediss://} for TLS
   * @param timeoutMs the connect, read and pool-wait timeout of every call, in milliseconds
   * @return the store
   * @throws StoreException when the URL is not a valid Redis URL
   */
  public static RedisStore connect(String url, int timeoutMs) {
    return connect(url, timeoutMs, "depcache:seq");
  }

  /**
   * Creates a store for a Redis URL without connecting yet.
   *
   * @param url {@code redis://[user:password@]host:port[/db]}, or {@code rediss://} for TLS
   * @param timeoutMs the connect, read and pool-wait timeout of every call, in milliseconds
   * @param sequenceKey the key of the store's invalidation sequence, e.g. {@code depcache:seq}
   * @return the store
   * @throws StoreException when the URL is not a valid Redis URL
   */
  public static RedisStore connect(String url, int timeoutMs, String sequenceKey) {
    ConnectionProvider[] connections = new ConnectionProvider[1];
    UnifiedJedis client = RedisClients.standalone(url, timeoutMs, p -> connections[0] = p);
    return new RedisStore(client, connections[0], Redaction.redactUrl(url), sequenceKey, timeoutMs);
  }

  /**
   * Creates the store of a manager's settings (URL, timeout, ACL credentials, TLS; the primary that
   * Redis Sentinel names when {@code depcache.redis.sentinel.master} is set) without connecting
   * yet.
   *
   * @param settings a manager's settings
   * @param sequenceKey the key of the store's invalidation sequence
   * @return the store
   * @throws StoreException when the URL is not a valid Redis URL
   */
  static CacheStore connect(ManagerConfig settings, String sequenceKey) {
    if (settings.sentinelMaster() != null) {
      SentinelConnections[] provider = new SentinelConnections[1];
      UnifiedJedis client = RedisClients.sentinel(settings, p -> provider[0] = p);
      RedisStore store =
          new RedisStore(
              client,
              provider[0],
              "sentinel '"
                  + settings.sentinelMaster()
                  + "' of "
                  + String.join(",", settings.sentinelNodes()),
              sequenceKey,
              settings.timeoutMs());
      return new FailoverReplay(store, provider[0]);
    }

    ConnectionProvider[] connections = new ConnectionProvider[1];
    UnifiedJedis client = RedisClients.standalone(settings, p -> connections[0] = p);
    return new RedisStore(
        client, connections[0], settings.redactedRedisUrl(), sequenceKey, settings.timeoutMs());
  }

  /** The near cache's channel: connections of its own to the server of the settings. */
  @Override
  public NearChannel openNearChannel(ManagerConfig settings) {
    return NearChannel.open(settings);
  }

  @Override
  public byte[] get(String entryKey) {
    return call("GET", () -> client.get(bytes(entryKey)));
  }

  /**
   * One round trip, shared with the lookups that wait at the same moment ({@link SharedLookups}).
   */
  @Override
  public Lookup lookup(String entryKey) {
    return lookups.lookup(bytes(entryKey));
  }

  @Override
  public Lookup lookup(byte[] entryKey) {
    return lookups.lookup(entryKey);
  }

  /**
   * {@code MGET} of the keys, as {@link UnifiedJedis#mget(byte[]...)} sends it, without the copy of
   * each key that the client makes of a {@code byte[]} argument: the keys are the agent's own and
   * nobody changes them, and the sequence key is wrapped once.
   */
  private List<byte[]> mget(byte[][] keys) {
    CommandArguments command = new CommandArguments(Protocol.Command.MGET);
    for (byte[] key : keys) {
      command.key(key == sequenceKey ? sequenceArgument : new Uncopied(key));
    }
    return client.executeCommand(new CommandObject<>(command, BuilderFactory.BINARY_LIST));
  }

  /** {@link #mget} of one entry key and the sequence, without an array of keys. */
  private List<byte[]> mgetOne(byte[] entryKey) {
    CommandArguments command =
        new CommandArguments(Protocol.Command.MGET)
            .key(new Uncopied(entryKey))
            .key(sequenceArgument);
    return client.executeCommand(new CommandObject<>(command, BuilderFactory.BINARY_LIST));
  }

  /** A key the client sends as it is, without copying it first. */
  private record Uncopied(byte[] getRaw) implements Rawable {
    @Override
    public boolean equals(Object other) {
      return other instanceof Uncopied that && Arrays.equals(getRaw, that.getRaw);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(getRaw);
    }

    @Override
    public String toString() {
      return new String(getRaw, StandardCharsets.UTF_8);
    }
  }

  /**
   * The sequence a lookup reports: {@code 0} when the store has none, or holds something else than
   * a number under its key (fence.lua then starts a new epoch, and put.lua refuses what began
   * before it).
   */
  static long sequenceOf(byte[] stored) {
    if (stored == null || stored.length == 0 || stored.length > 18) {
      return 0;
    }
    long sequence = 0;
    for (byte digit : stored) {
      if (digit < '0' || digit > '9') {
        return 0;
      }
      sequence = sequence * 10 + (digit - '0');
    }
    return sequence;
  }

  @Override
  public boolean tryLease(String entryKey, String token, long millis) {
    byte[] key = bytes(KeyLayout.leaseKey(entryKey));
    SetParams params = SetParams.setParams().nx().px(millis);
    return call("SET NX", () -> client.set(key, bytes(token), params)) != null;
  }

  @Override
  public void releaseLease(String entryKey, String token) {
    List<byte[]> keys = List.of(bytes(KeyLayout.leaseKey(entryKey)));
    call("release script", () -> RELEASE.run(client, keys, List.of(bytes(token))));
  }

  @Override
  public boolean exists(String entryKey) {
    return call("EXISTS", () -> client.exists(bytes(entryKey)));
  }

  @Override
  public void put(
      String entryKey, byte[] value, long ttlMillis, Collection<String> dependencyKeys) {
    write(entryKey, value, ttlMillis, dependencyKeys, -1, new long[0]);
  }

  @Override
  public boolean putIfUnchangedSince(
      String entryKey,
      byte[] value,
      long ttlMillis,
      List<String> dependencyKeys,
      long sequence,
      long[] dependencySequences) {
    FenceArguments.check(sequence, dependencyKeys, dependencySequences);
    return write(entryKey, value, ttlMillis, dependencyKeys, sequence, dependencySequences);
  }

  private boolean write(
      String entryKey,
      byte[] value,
      long ttlMillis,
      Collection<String> dependencyKeys,
      long sequence,
      long[] dependencySequences) {
    if (ttlMillis < 0) {
      throw new IllegalArgumentException("ttlMillis must be >= 0, got " + ttlMillis);
    }
    boolean fenced = sequence >= 0;
    List<byte[]> keys = new ArrayList<>((dependencyKeys.size() + 1) * (fenced ? 2 : 1) + 2);
    keys.add(bytes(entryKey));
    for (String dependencyKey : dependencyKeys) {
      keys.add(bytes(dependencyKey));
    }
    List<byte[]> args = new ArrayList<>(3 + dependencyKeys.size());
    args.add(value);
    args.add(bytes(Long.toString(ttlMillis)));
    if (fenced) {
      keys.add(bytes(KeyLayout.fenceKey(entryKey)));
      for (String dependencyKey : dependencyKeys) {
        keys.add(bytes(KeyLayout.fenceKey(dependencyKey)));
      }
      keys.add(sequenceKey);
      keys.add(epochKey);
      args.add(bytes(Long.toString(sequence)));
      for (long dependencySequence : dependencySequences) {
        args.add(bytes(Long.toString(dependencySequence)));
      }
    } else {
      args.add(UNFENCED);
    }
    Object joined = call("put script", () -> PUT.run(client, keys, args));
    return !(joined instanceof Long count) || count >= 0;
  }

  /** Raises the sequence and marks each key's fence with it, in one script. */
  private void fence(Collection<String> keys) {
    List<byte[]> scriptKeys = new ArrayList<>(Math.min(keys.size(), BATCH) + 2);
    scriptKeys.add(sequenceKey);
    scriptKeys.add(epochKey);
    for (String key : keys) {
      scriptKeys.add(bytes(KeyLayout.fenceKey(key)));
      // In batches, so that fencing many keys never becomes one long script.
      if (scriptKeys.size() > BATCH + 1) {
        runFence(scriptKeys);
        scriptKeys.subList(2, scriptKeys.size()).clear();
      }
    }
    if (scriptKeys.size() > 2) {
      runFence(scriptKeys);
    }
  }

  private void runFence(List<byte[]> scriptKeys) {
    List<byte[]> batch = List.copyOf(scriptKeys);
    call("fence script", () -> FENCE.run(client, batch, List.of(FENCE_RETENTION)));
  }

  @Override
  public long delete(Collection<String> entryKeys) {
    if (entryKeys.isEmpty()) {
      return 0;
    }
    fence(entryKeys);
    byte[][] keys = entryKeys.stream().map(RedisStore::bytes).toArray(byte[][]::new);
    return call("UNLINK", () -> client.unlink(keys));
  }

  @Override
  public long invalidate(Collection<String> dependencyKeys) {
    return invalidator.invalidate(dependencyKeys, null);
  }

  /** A small invalidation and {@code followUp} are one round trip: see {@link RedisInvalidator}. */
  @Override
  public long invalidate(Collection<String> dependencyKeys, FollowUp followUp) {
    return invalidator.invalidate(dependencyKeys, followUp);
  }

  /** The steps of {@link #invalidate}, for tests that stop one half way. */
  RedisInvalidator invalidator() {
    return invalidator;
  }

  @Override
  public long clear(String namespace) {
    ScanParams params =
        new ScanParams().count(BATCH).match(bytes(KeyLayout.scanPattern(namespace)));
    String entryPrefix = KeyLayout.entryKeysOf(namespace);
    byte[] cursor = ScanParams.SCAN_POINTER_START_BINARY;
    long removedEntries = 0;
    do {
      byte[] from = cursor;
      ScanResult<byte[]> page = call("SCAN", () -> client.scan(from, params));
      List<byte[]> entries = new ArrayList<>();
      List<byte[]> others = new ArrayList<>();
      for (byte[] key : page.getResult()) {
        String name = new String(key, StandardCharsets.UTF_8);
        // an entry's fence or lease starts like the entry, and is no entry: no user text has a \0
        (name.startsWith(entryPrefix) && name.indexOf('\u0000') < 0 ? entries : others).add(key);
      }
      if (!entries.isEmpty()) {
        removedEntries += call("UNLINK", () -> client.unlink(entries.toArray(new byte[0][])));
      }
      if (!others.isEmpty()) {
        call("UNLINK", () -> client.unlink(others.toArray(new byte[0][])));
      }
      cursor = page.getCursorAsBytes();
    } while (!isStart(cursor));
    return removedEntries;
  }

  @Override
  public long ttlMillis(String entryKey) {
    return call("PTTL", () -> client.pttl(bytes(entryKey)));
  }

  @Override
  public String describe() {
    return redactedUrl;
  }

  @Override
  public void close() {
    client.close();
  }

  private <T> T call(String operation, Supplier<T> action) {
    return RedisCalls.run(redactedUrl, operation, action);
  }

  private static boolean isStart(byte[] cursor) {
    return cursor.length == 1 && cursor[0] == '0';
  }

  private static byte[] bytes(String key) {
    return key.getBytes(StandardCharsets.UTF_8);
  }
}
