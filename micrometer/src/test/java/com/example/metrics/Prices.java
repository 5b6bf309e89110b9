package com.example.metrics;

import io.depcache.DepCached;
import java.util.concurrent.atomic.AtomicInteger;

/** A cached method for the meters to count. */
public class Prices {
  public final AtomicInteger computed = new AtomicInteger();

  @DepCached(dependencies = "sku:{0}")
  public String price(String sku) {
    computed.incrementAndGet();
    try {
      Thread.sleep(5); // a miss takes time, for the timer
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return sku + "=42";
  }
}
