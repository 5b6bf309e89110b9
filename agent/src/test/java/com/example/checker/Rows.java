package com.example.checker;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import redis.clients.jedis.RedisClient;

/**
 * The checker's "database": one version number per row, kept in Redis under keys outside depcache's
 * prefix and read with the application's own Jedis, so that two JVMs share it.
 */
public final class Rows {
  private final RedisClient db;
  private final String namespace;
  private final long maxPauseNanos;

  /**
   * Opens the rows.
   *
   * @param db the application's own client
   * @param namespace the prefix of the row keys, e.g. {@code checkerdb:1a2b:}
   * @param maxPauseMicros the longest pause after a row read, which widens the window in which an
   *     invalidation can overtake a computation
   */
  public Rows(RedisClient db, String namespace, long maxPauseMicros) {
    this.db = db;
    this.namespace = namespace;
    this.maxPauseNanos = TimeUnit.MICROSECONDS.toNanos(maxPauseMicros);
  }

  /** Reads a row's version: {@code 0} until the first write. */
  public long read(int id) {
    String value = db.get(key(id));
    long version = value == null ? 0 : Long.parseLong(value);
    if (maxPauseNanos > 0) {
      LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(maxPauseNanos + 1));
    }
    return version;
  }

  /** Raises a row's version by one and returns the new version. */
  public long write(int id) {
    return db.incr(key(id));
  }

  private String key(int id) {
    return namespace + "row:" + id;
  }
}
