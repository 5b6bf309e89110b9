package io.depcache.agent.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.tuple;

import io.depcache.agent.config.AgentConfig;
import io.depcache.testing.TestRedis;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.resps.Tuple;

class RedisStoreIT extends CacheStoreContract implements StoreAdminContract {
  @Override
  CacheStore createStore() {
    return RedisStore.connect(TestRedis.url(), 2_000);
  }

  @Override
  public StoreAdmin createAdmin() throws Exception {
    return StoreAdmin.open(
        AgentConfig.load(
                null,
                Map.of("depcache.redis.url", TestRedis.url(), "depcache.redis.timeout-ms", "2000"),
                Map.of())
            .defaultManager());
  }

  @Test
  void putStillWorksAfterTheServerForgotTheScript() {
    try (RedisClient admin = RedisClient.create(TestRedis.url())) {
      store.put(entry("a"), bytes("one"), 60_000, List.of(dep("d")));
      admin.scriptFlush();

      store.put(entry("b"), bytes("two"), 60_000, List.of(dep("d")));

      assertThat(store.get(entry("b"))).isEqualTo(bytes("two"));
      assertThat(admin.zrange(dep("d"), 0, -1)).containsExactlyInAnyOrder(entry("a"), entry("b"));
    }
  }

  @Test
  void putWritesNothingWhenADependencyKeyIsNotASet() {
    try (RedisClient admin = RedisClient.create(TestRedis.url())) {
      admin.set(dep("broken"), "not a set");

      assertThatThrownBy(
              () -> store.put(entry("a"), bytes("x"), 60_000, List.of(dep("ok"), dep("broken"))))
          .isInstanceOf(StoreException.class)
          .hasMessageContaining("WRONGTYPE");

      assertThat(store.exists(entry("a"))).isFalse();
      assertThat(store.exists(dep("ok"))).isFalse();
    }
  }

  @Test
  void entriesAndSetsUseTheDocumentedKeyLayout() {
    try (RedisClient admin = RedisClient.create(TestRedis.url())) {
      store.put(entry("user:1"), bytes("x"), 60_000, List.of(dep("user:1")));

      assertThat(admin.type(ns + "e:user:1")).isEqualTo("string");
      assertThat(admin.type(ns + "d:user:1")).isEqualTo("zset");
      assertThat(admin.zrangeWithScores(ns + "d:user:1", 0, -1))
          .extracting(Tuple::getElement, Tuple::getScore)
          .containsExactly(tuple(ns + "e:user:1", 0.0));
    }
  }

  @Test
  void aDependencySetKeepsItsMembersInTheOrderTheyJoined() {
    try (RedisClient admin = RedisClient.create(TestRedis.url())) {
      // Names that sort the other way round, and a member written again, which keeps its place.
      for (String key : List.of("c", "b", "a", "c")) {
        store.put(entry(key), bytes("x"), 60_000, List.of(dep("d")));
      }

      assertThat(admin.zrangeWithScores(dep("d"), 0, -1))
          .extracting(Tuple::getElement, Tuple::getScore)
          .containsExactly(tuple(entry("c"), 0.0), tuple(entry("b"), 1.0), tuple(entry("a"), 2.0));
    }
  }

  @Test
  void aPlainSetFromAnEarlierAgentTakesRegistrationsAndIsInvalidatedWhole() {
    try (RedisClient admin = RedisClient.create(TestRedis.url())) {
      // Written as agents before the sorted sets did: the entries, and a plain set of their keys.
      String d = dep("legacy");
      for (int i = 0; i < 600; i++) {
        admin.psetex(entry("old" + i), 60_000, "x");
        admin.sadd(d, entry("old" + i));
      }
      store.put(entry("new"), bytes("y"), 60_000, List.of(d));
      assertThat(admin.type(d)).isEqualTo("set");
      assertThat(admin.sismember(d, entry("new"))).isTrue();

      assertThat(store.invalidate(List.of(d))).isEqualTo(601);

      assertThat(store.exists(entry("new"))).isFalse();
      for (int i = 0; i < 600; i++) {
        assertThat(store.exists(entry("old" + i))).isFalse();
      }
      store.put(entry("next"), bytes("z"), 60_000, List.of(d));
      assertThat(admin.type(d)).isEqualTo("zset");
    }
  }

  @Test
  void invalidatingANonSetDependencyKeyRemovesItAndCountsNothing() {
    try (RedisClient admin = RedisClient.create(TestRedis.url())) {
      admin.set(dep("odd"), "not a set");

      assertThat(store.invalidate(List.of(dep("odd")))).isZero();
      assertThat(store.exists(dep("odd"))).isFalse();
    }
  }

  @Test
  void redisDownAtConstructionIsFineAndFailuresNameTheOperationWithoutThePassword()
      throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    String url = "redis://app:s3cret@127.0.0.1:" + closedPort + "/2";

    try (RedisStore down = RedisStore.connect(url, 200)) {
      assertThat(down.describe()).isEqualTo("redis://app:***@127.0.0.1:" + closedPort + "/2");
      assertThatThrownBy(() -> down.get("k"))
          .isInstanceOf(StoreException.class)
          .hasMessageContaining("GET")
          .hasMessageContaining("redis://app:***@127.0.0.1:" + closedPort)
          .hasMessageNotContaining("s3cret");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"redis://app:s3cret@:notaport/x", "redis://app:s3cret@bad host:1/0"})
  void anInvalidUrlIsAStoreExceptionWithoutThePassword(String url) {
    Throwable thrown = catchThrowable(() -> RedisStore.connect(url, 200));

    assertThat(thrown).isInstanceOf(StoreException.class).hasMessageContaining("connect");
    for (Throwable t = thrown; t != null; t = t.getCause()) {
      assertThat(String.valueOf(t.getMessage())).doesNotContain("s3cret");
    }
  }
}
