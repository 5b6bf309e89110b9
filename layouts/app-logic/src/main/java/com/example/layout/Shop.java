package com.example.layout;

import io.depcache.DepCache;
import io.depcache.DepCached;
import io.depcache.Invalidates;
import java.io.Serializable;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The service every layout caches. Each method counts how often its body ran, so that a test can
 * tell a hit from a miss in any layout.
 */
public class Shop {
  /** A cached value of the application's own type, deserialized in the application's loader. */
  public record Profile(long id, String name) implements Serializable {}

  final AtomicInteger userRuns = new AtomicInteger();
  final AtomicInteger teamRuns = new AtomicInteger();
  final AtomicInteger itemRuns = new AtomicInteger();
  private final Map<Long, String> names = new ConcurrentHashMap<>();

  /** Declares its dependency in the body. */
  @DepCached
  public Profile user(long id) {
    userRuns.incrementAndGet();
    DepCache.addDependency("user:" + id);
    return new Profile(id, names.getOrDefault(id, "user" + id));
  }

  /**
   * A template dependency, and two nested cached calls on this same object (self-invocation: no
   * proxy is involved), whose dependencies the team's entry inherits, hit or miss.
   */
  @DepCached(dependencies = "team:{0}")
  public String team(long id) {
    teamRuns.incrementAndGet();
    return "team" + id + "[" + user(id).name() + "," + user(id + 1).name() + "]";
  }

  /**
   * One of many entries of one dependency: invalidating {@code catalog} removes more of them than
   * one script drains, so the agent reads the dependency's set in pages.
   */
  @DepCached(dependencies = "catalog")
  public String item(long id) {
    itemRuns.incrementAndGet();
    return "item" + id;
  }

  /** A slow computation of a value of the application's own class: two callers overlap. */
  @DepCached
  public Profile slow(long id) throws InterruptedException {
    Thread.sleep(500);
    return new Profile(id, "slow" + id);
  }

  /** Invalidates {@code user:<id>} once it returned. */
  @Invalidates("user:{0}")
  public void rename(long id, String name) {
    names.put(id, name);
  }

  /** The key of the current cached call, from inside it. */
  @DepCached(ttl = 60)
  public String keyOf(String what) {
    return String.valueOf(DepCache.currentCacheKey());
  }
}
