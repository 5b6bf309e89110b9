package io.depcache.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.fixtures.Calls;
import com.example.fixtures.Rows;
import io.depcache.agent.store.KeyLayout;
import io.depcache.testing.TestRedis;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/**
 * The interleavings on Redis, plus those only Redis has: an invalidation is several commands, so
 * others can run between its fence and the end of its drain. The tests stop an invalidation half
 * way by doing its first steps by hand, as its scripts do.
 */
class RedisConsistencyTest extends ConsistencyBehaviourTest {
  private final String prefix = AgentTestSupport.uniquePrefix();
  private static RedisClient redis;

  @BeforeAll
  static void connect() {
    redis = RedisClient.builder().fromURI(TestRedis.url()).build();
  }

  @AfterAll
  static void disconnect() {
    redis.close();
  }

  @Override
  Map<String, String> settings() {
    return Map.of("depcache.redis.url", TestRedis.url(), "depcache.prefix", prefix);
  }

  private String dependencyKey(String dependency) {
    return KeyLayout.dependencyKey(KeyLayout.namespace(prefix, "default"), dependency);
  }

  /** The first step of an invalidation: a new sequence on the dependency's fence. */
  private void fenceByHand(String dependency) {
    long sequence = redis.incr(prefix + ":seq");
    redis.set(KeyLayout.fenceKey(dependencyKey(dependency)), Long.toString(sequence));
  }

  /** The second step: the dependency set renamed away for draining, listed as being drained. */
  private String detachByHand(String dependency) {
    String set = dependencyKey(dependency);
    String detached = set + "\u0000invalidating:by-hand";
    redis.rename(set, detached);
    redis.sadd(KeyLayout.drainingKey(set), detached);
    return detached;
  }

  @Test
  void aStaleInnerEntryHitDuringAnInvalidationDoesNotMakeTheOuterEntryStale() {
    Rows.DB.put(9, 1);
    assertThat(rows.version(9)).isEqualTo(1); // the inner entry, computed before the change
    Rows.DB.put(9, 2);
    fenceByHand("row:9");
    String detached = detachByHand("row:9");

    // Between the fence and the drain the old inner entry still exists, and the outer call that
    // starts now hits it: its result is stale, and it must not be stored.
    assertThat(rows.outer(9)).isEqualTo(1001);

    for (String member : redis.zrange(detached, 0, -1)) {
      redis.unlink(member);
    }
    redis.unlink(detached);
    redis.srem(KeyLayout.drainingKey(dependencyKey("row:9")), detached);

    assertThat(rows.outer(9)).isEqualTo(1002);
    assertThat(Calls.count("outer")).isEqualTo(2);
  }

  @Test
  void anInvalidationReturnsOnlyWhenAConcurrentInvalidationsEntriesAreGoneToo() {
    Rows.DB.put(10, 1);
    assertThat(rows.version(10)).isEqualTo(1);
    Rows.DB.put(10, 2);
    // Another JVM's invalidation of row:10 has fenced and detached the set, and not drained it yet.
    fenceByHand("row:10");
    detachByHand("row:10");

    manager.invalidateDependency("row:10");

    assertThat(rows.version(10)).isEqualTo(2);
  }
}
