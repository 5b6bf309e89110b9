package io.depcache.agent.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.depcache.testing.RedisServer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.RedisClient;

/** No store command blocks Redis, however many dependents: checked through Redis' own SLOWLOG. */
class RedisBatchingIT {
  private static final int DEPENDENTS = 100_000;
  private static final String NS = KeyLayout.namespace("batch", "m");

  private static RedisServer server;
  private static RedisClient admin;

  @BeforeAll
  static void startServer() {
    server = RedisServer.start();
    admin = RedisClient.create(server.url());
  }

  @AfterAll
  static void stopServer() {
    admin.close();
    server.close();
  }

  /**
   * Writes the entries and their one dependency set directly, pipelined, to save time: a sorted set
   * in the order of the entries, as put.lua writes them, or a plain set as agents before them did.
   */
  private static void writeDependents(String dependencyKey, String entryPrefix, boolean plainSet) {
    try (AbstractPipeline pipeline = admin.pipelined()) {
      Map<String, Double> batch = new LinkedHashMap<>();
      for (int i = 0; i < DEPENDENTS; i++) {
        String key = entryPrefix + i;
        pipeline.set(key, "v");
        batch.put(key, (double) i);
        if (batch.size() == 1000) {
          if (plainSet) {
            pipeline.sadd(dependencyKey, batch.keySet().toArray(new String[0]));
          } else {
            pipeline.zadd(dependencyKey, batch);
          }
          batch = new LinkedHashMap<>();
        }
      }
      pipeline.sync();
    }
    assertThat(plainSet ? admin.scard(dependencyKey) : admin.zcard(dependencyKey))
        .isEqualTo(DEPENDENTS);
  }

  /**
   * Commands slower than 25 ms since the last reset, as Redis recorded them. A batch of 500 takes 1
   * to 3 ms here, over 10 on a loaded machine; UNLINK of the 100,000 keys in one command took 34
   * ms.
   */
  private static List<Object> slowCommands() {
    return (List<Object>) admin.sendCommand(Protocol.Command.SLOWLOG, "GET", "128");
  }

  private static void watchSlowCommands() {
    admin.configSet("slowlog-log-slower-than", "25000");
    admin.slowlogReset();
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void invalidatingAHundredThousandDependentsRemovesAllWithoutASlowCommand(boolean plainSet) {
    String dependencyKey = KeyLayout.dependencyKey(NS, "hot");
    writeDependents(dependencyKey, KeyLayout.entryKey(NS, "inv:"), plainSet);
    watchSlowCommands();

    try (RedisStore store = RedisStore.connect(server.url(), 2_000)) {
      assertThat(store.invalidate(List.of(dependencyKey))).isEqualTo(DEPENDENTS);
    }

    assertThat(slowCommands()).isEmpty();
    // Every dependent and the set are gone; what stays is the fence of the invalidation (it
    // expires by itself) and the store's sequence.
    assertThat(admin.keys("*"))
        .containsExactlyInAnyOrder(
            KeyLayout.fenceKey(dependencyKey), "depcache:seq", KeyLayout.epochKey("depcache:seq"));
  }

  @Test
  void clearingAHundredThousandKeysRemovesAllWithoutASlowCommand() {
    String dependencyKey = KeyLayout.dependencyKey(NS, "big");
    writeDependents(dependencyKey, KeyLayout.entryKey(NS, "clr:"), false);
    admin.set("unrelated", "stays");
    try {
      watchSlowCommands();

      try (RedisStore store = RedisStore.connect(server.url(), 2_000)) {
        assertThat(store.clear(NS)).isEqualTo(DEPENDENTS);
      }

      assertThat(slowCommands()).isEmpty();
      assertThat(admin.exists(dependencyKey)).isFalse();
      assertThat(admin.get("unrelated")).isEqualTo("stays");
    } finally {
      admin.del("unrelated"); // whatever failed, the other test of this server sees none of it
    }
  }
}
