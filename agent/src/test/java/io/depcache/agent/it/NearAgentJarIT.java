package io.depcache.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.depcache.testing.TestRedis;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code depcache.near-cache.enabled=true} in the packaged jar, where Caffeine is relocated: on
 * every JDK we support it caches, invalidates, and the JVM prints no warning about {@code
 * sun.misc.Unsafe} (Caffeine 3 uses VarHandles).
 */
class NearAgentJarIT {
  static Stream<String> javaHomes() {
    return ItSettings.javaHomes().stream();
  }

  @ParameterizedTest
  @MethodSource("javaHomes")
  void cachesThroughTheNearCacheAndTheJvmPrintsNoUnsafeWarning(String javaHome) throws Exception {
    List<String> arguments =
        List.of(
            "-javaagent:" + ItSettings.agentJar(),
            "-Ddepcache.redis.url=" + TestRedis.url(),
            "-Ddepcache.prefix=it" + UUID.randomUUID().toString().substring(0, 8),
            "-Ddepcache.near-cache.enabled=true");
    try (AppProcess app = AppProcess.start(javaHome, arguments, List.of())) {
      assertThat(app.send("active")).isEqualTo("true");
      assertThat(app.send("user 3")).isEqualTo("user3 computed=1");
      assertThat(app.send("user 3")).isEqualTo("user3 computed=1");
      assertThat(app.send("invalidate user:3")).isEqualTo("1");
      assertThat(app.send("user 3")).isEqualTo("user3 computed=2");
      assertThat(app.log()).contains("near-cache=true").doesNotContain("Unsafe", "ERROR");
    }
  }
}
