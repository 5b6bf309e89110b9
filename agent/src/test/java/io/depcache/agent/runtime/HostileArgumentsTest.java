package io.depcache.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.fixtures.Calls;
import com.example.fixtures.Profiles;
import io.depcache.CacheEventType;
import io.depcache.DepCache;
import io.depcache.StatsCollector;
import io.depcache.agent.AgentMain;
import io.depcache.agent.store.KeyLayout;
import io.depcache.testing.TestRedis;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import redis.clients.jedis.RedisClient;

/**
 * Arguments that an attacker chooses become keys and dependencies: whatever their characters, they
 * must not reach depcache's internal keys nor another argument's entry.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileArgumentsTest {
  private final String prefix = AgentTestSupport.uniquePrefix();
  private AgentMain.Installation installation;
  private final Profiles profiles = new Profiles();
  private final StatsCollector stats = new StatsCollector();

  @BeforeAll
  void install() {
    installation =
        AgentTestSupport.install(
            Map.of("depcache.redis.url", TestRedis.url(), "depcache.prefix", prefix));
    DepCache.manager().events().on(CacheEventType.ERROR, stats);
  }

  @AfterAll
  void uninstall() {
    installation.uninstall();
  }

  @BeforeEach
  void reset() {
    DepCache.manager().clear();
    Calls.reset();
    stats.reset();
  }

  @Test
  void anArgumentEndingInDrainingCannotBreakTheInvalidationOfTheHonestDependency() {
    profiles.profile("42");
    profiles.profile("42\u0000draining");

    assertThat(DepCache.manager().invalidateDependency("user:42")).isEqualTo(1);
    assertThat(DepCache.manager().invalidateDependency("user:42")).isZero();
    profiles.profile("42");

    assertThat(Calls.count("profile")).as("the honest entry was removed").isEqualTo(3);
    assertThat(stats.getStats().errors()).isZero();
  }

  @Test
  void anArgumentEndingInFenceCannotStopTheHonestEntryFromBeingStored() {
    profiles.profile("8\u0000fence");
    DepCache.manager().invalidateDependency("user:8\u0000fence");

    profiles.profile("8");
    profiles.profile("8");

    assertThat(Calls.count("profile")).isEqualTo(2);
    assertThat(stats.getStats().errors()).isZero();
  }

  @Test
  void keysFromTemplatesAreAsSafe() {
    profiles.card("9");
    profiles.card("9\u0000lease");
    profiles.card("9\u0001" + "0lease"); // the escaped form of the line above, by hand

    profiles.card("9");

    assertThat(Calls.count("card")).as("three distinct keys, one hit").isEqualTo(3);
    assertThat(DepCache.manager().invalidateDependency("user:9")).isEqualTo(1);
  }

  @Test
  void aMegabyteDependencyIsStoredUnderABoundedKeyAndStillInvalidates() {
    String huge = "x".repeat(1_000_000);
    profiles.profile(huge);
    profiles.profile(huge);

    assertThat(Calls.count("profile")).isEqualTo(1);
    assertThat(DepCache.manager().invalidateDependency("user:" + huge)).isEqualTo(1);
  }

  @Test
  void logLinesShowNoArgumentValuesOutsideDebug() throws Exception {
    String personal = "bob@example.com";
    profiles.profile(personal);
    String key = "com.example.fixtures.Profiles#profile(\"" + personal + "\")";
    try (RedisClient admin = RedisClient.create(TestRedis.url())) {
      admin.set(KeyLayout.entryKey(KeyLayout.namespace(prefix, "default"), key), "garbage");
    }
    PrintStream err = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      profiles.profile(personal); // a corrupt entry: one WARN naming it
    } finally {
      System.setErr(err);
    }
    String log = captured.toString(StandardCharsets.UTF_8);

    assertThat(log).contains("cannot be read").contains("Profiles#profile(…#");
    assertThat(log).doesNotContain(personal);
  }
}
