package com.example.legacy;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** A legacy DAO that cannot be annotated: cached and invalidated through the properties file. */
public class UserDao {
  private static final Map<Long, String> NAMES = new ConcurrentHashMap<>();
  private static final AtomicLong NEXT = new AtomicLong(1000);

  public String findUser(long id) {
    Counter.ran("findUser");
    return NAMES.getOrDefault(id, "user" + id);
  }

  public String findByName(String name) {
    Counter.ran("findByName");
    return "found:" + name;
  }

  public int count(int[] ids, String[] names) {
    Counter.ran("count");
    return ids.length + names.length;
  }

  public void rename(long id, String name) {
    if (name.isEmpty()) {
      throw new IllegalArgumentException("empty name");
    }
    NAMES.put(id, name);
  }

  public LegacyUser create(String name) {
    LegacyUser user = new LegacyUser(NEXT.incrementAndGet(), name);
    NAMES.put(user.getId(), name);
    return user;
  }

  public String audit(long id) {
    Counter.ran("audit");
    return "audit" + id;
  }

  /** A nested class, named {@code UserDao$Index} in patterns. */
  public static class Index {
    public String lookup(byte[] key, int shard) {
      Counter.ran("lookup");
      return new String(key, java.nio.charset.StandardCharsets.UTF_8) + "@" + shard;
    }
  }
}
