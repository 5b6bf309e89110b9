package com.example.bench;

import io.depcache.DepCache;
import io.depcache.agent.serial.AllowList;
import io.depcache.agent.serial.EntryCodec;
import io.depcache.agent.serial.Serializer;
import io.depcache.agent.serial.Serializers;
import io.depcache.agent.store.KeyLayout;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.RedisClient;

/**
 * One cached entry (and the same value cached by an asynchronous method) and what it takes to read
 * it without the agent: the setup that the hit benchmarks share.
 *
 * <p>The forked JVM runs under {@code -javaagent} with {@code -Ddepcache.redis.url} and {@code
 * -Ddepcache.prefix} (and {@code -Ddepcache.serializer} for the kryo forks); the raw client reads
 * the same Redis, from {@code bench.redis.url}.
 */
final class Fixture implements AutoCloseable {
  final Orders orders = new Orders();
  final long id;
  final byte[] storeKey;
  final byte[] stored;
  final Serializer serializer;
  final ClassLoader loader = Fixture.class.getClassLoader();
  final RedisClient redis;

  private Fixture(int poolSize) {
    if (!DepCache.isAgentActive()) {
      throw new IllegalStateException(
          "the depcache agent is not active: the fork needs -javaagent:depcache-agent.jar");
    }
    // A fresh id (always seven digits, so keys keep their length) makes the first call a miss even
    // on a Redis that holds an entry of an earlier run.
    id = ThreadLocalRandom.current().nextLong(1_000_000, 10_000_000);
    Order first = orders.order(id);
    String key = orders.lastKey();
    if (key == null) {
      throw new IllegalStateException("the first call was not a cached miss");
    }
    String prefix = System.getProperty("depcache.prefix", "depcache");
    storeKey =
        KeyLayout.entryKey(KeyLayout.namespace(prefix, "default"), key)
            .getBytes(StandardCharsets.UTF_8);
    AllowList allowList = new AllowList();
    allowList.allow(Fixture.class.getPackageName() + ".*");
    // the raw decoding reads what the agent wrote, with the serializer the fork configured
    serializer =
        Serializers.named(System.getProperty("depcache.serializer", Serializers.JAVA), allowList);
    ConnectionPoolConfig pool = new ConnectionPoolConfig();
    pool.setMaxTotal(poolSize);
    pool.setMaxIdle(poolSize);
    redis = RedisClient.builder().fromURI(url()).poolConfig(pool).build();
    stored = redis.get(storeKey);
    if (stored == null) {
      throw new IllegalStateException(
          "no entry under " + new String(storeKey, StandardCharsets.UTF_8));
    }
    Object decoded = EntryCodec.decode(stored, serializer, loader).value();
    // A second computation would leave another String instance in lastKey: identity on purpose.
    if (!first.equals(decoded) || !first.equals(orders.order(id)) || orders.lastKey() != key) {
      throw new IllegalStateException("the stored entry is not the computed value, or no hit");
    }
    cacheAsync(first);
  }

  /**
   * Makes {@link Orders#orderAsync} of the same id a hit: its value is written behind the future's
   * completion, so this waits for the entry before checking that a call computes nothing.
   */
  private void cacheAsync(Order expected) {
    Order computed = orders.orderAsync(id).join();
    String key = orders.lastAsyncKey();
    if (key == null || !expected.equals(computed)) {
      throw new IllegalStateException("the first asynchronous call was not a cached miss");
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!DepCache.manager().exists(key)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the asynchronous entry " + key + " was not written");
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
    }
    if (!expected.equals(asyncHit()) || orders.asyncComputations() != 1) {
      throw new IllegalStateException("the asynchronous call is no hit of the same value");
    }
  }

  /** Creates the entry and a raw client with a pool of {@code poolSize} connections. */
  static Fixture create(int poolSize) {
    return new Fixture(poolSize);
  }

  /** The Redis of the raw client: the agent's, given to the fork by {@code scripts/bench.sh}. */
  static String url() {
    String url = System.getProperty("bench.redis.url");
    if (url == null) {
      throw new IllegalStateException("-Dbench.redis.url is not set");
    }
    return url;
  }

  /** A hit through the agent. */
  Order hit() {
    return orders.order(id);
  }

  /** An asynchronous hit through the agent, and the wait for it: a future that is complete. */
  Order asyncHit() {
    return orders.orderAsync(id).join();
  }

  /** What a hit cannot avoid doing: GET the entry, decode it. */
  Order rawGetDecode() {
    return (Order) EntryCodec.decode(redis.get(storeKey), serializer, loader).value();
  }

  /** The round trip alone. */
  byte[] rawGet() {
    return redis.get(storeKey);
  }

  @Override
  public void close() {
    redis.close();
  }
}
