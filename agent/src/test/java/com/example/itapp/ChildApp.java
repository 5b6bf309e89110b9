package com.example.itapp;

import io.depcache.DepCache;
import io.depcache.DepCached;

/** Loaded by a child-first loader with its own copy of the API jar. */
public final class ChildApp {
  private static int computed;

  private ChildApp() {}

  @DepCached
  static String price(String sku) {
    computed++;
    DepCache.addDependency("sku:" + sku);
    return sku + "=" + (computed * 10) + " key=" + DepCache.currentCacheKey();
  }

  public static String run() {
    String first = price("A1");
    String second = price("A1");
    return "first="
        + first
        + " second="
        + second
        + " computed="
        + computed
        + " active="
        + DepCache.isAgentActive()
        + " manager="
        + (DepCache.manager().getClass().getName().equals("io.depcache.DisabledCacheManager")
            ? "disabled"
            : "live")
        + " exists="
        + DepCache.manager().exists(String.valueOf(DepCache.currentCacheKey()));
  }
}
