package io.depcache.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.example.fixtures.Calls;
import com.example.fixtures.Profiles;
import io.depcache.DepCache;
import io.depcache.DepCacheException;
import io.depcache.agent.AgentMain;
import io.depcache.testing.TestRedis;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import redis.clients.jedis.RedisClient;

/** {@code depcache.max-entry-bytes}: larger values are neither written nor read. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EntrySizeTest {
  private final String prefix = AgentTestSupport.uniquePrefix();
  private AgentMain.Installation installation;
  private final Profiles profiles = new Profiles();

  @BeforeAll
  void install() {
    installation =
        AgentTestSupport.install(
            Map.of(
                "depcache.redis.url",
                TestRedis.url(),
                "depcache.prefix",
                prefix,
                "depcache.max-entry-bytes",
                "65536"));
  }

  @AfterAll
  void uninstall() {
    installation.uninstall();
  }

  @BeforeEach
  void reset() {
    DepCache.manager().clear();
    Calls.reset();
  }

  @Test
  void aResultOverTheLimitIsNotWrittenAndTheCallStillReturnsIt() {
    assertThat(profiles.big(100)).hasSize(100 * 1024);
    assertThat(profiles.big(100)).hasSize(100 * 1024);

    assertThat(Calls.count("big")).as("computed each time, never written").isEqualTo(2);
    profiles.big(10);
    profiles.big(10);
    assertThat(Calls.count("big")).as("a small one is cached").isEqualTo(3);
  }

  @Test
  void aManualSetOverTheLimitFailsWithAClearMessage() {
    assertThatThrownBy(() -> DepCache.manager().set("k", "x".repeat(100_000)))
        .isInstanceOf(DepCacheException.class)
        .hasMessageContaining("depcache.max-entry-bytes");
    assertThat(DepCache.manager().exists("k")).isFalse();
  }

  @Test
  void anEntryOverTheLimitIsNotReadButRecomputed() {
    profiles.big(10);
    try (RedisClient admin = RedisClient.create(TestRedis.url())) {
      List<String> keys = List.copyOf(admin.keys(prefix + ":default:e:*"));
      assertThat(keys).hasSize(1);
      // what an agent with a higher limit wrote: the same entry, padded past this agent's limit
      byte[] entry = admin.get(keys.get(0).getBytes());
      byte[] padded = Arrays.copyOf(entry, 70_000);
      admin.set(keys.get(0).getBytes(), padded);
    }

    profiles.big(10);

    assertThat(Calls.count("big")).as("the oversized entry was a miss").isEqualTo(2);
  }
}
