package io.depcache.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.depcache.testing.TestRedis;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code depcache.serializer=kryo} in the packaged jar, where Kryo is relocated and its {@code
 * sun.misc.Unsafe} classes are left out: on every JDK we support (JDK 24 and later warn the first
 * time a library calls Unsafe's memory methods), it caches a DTO, a record and a JDK value, and the
 * JVM prints no warning about Unsafe. No {@code kryo.unsafe} property is set: the jar alone keeps
 * Kryo off Unsafe.
 */
class KryoAgentJarIT {
  static Stream<String> javaHomes() {
    return ItSettings.javaHomes().stream();
  }

  @ParameterizedTest
  @MethodSource("javaHomes")
  void cachesThroughKryoAndTheJvmPrintsNoUnsafeWarning(String javaHome) throws Exception {
    List<String> arguments =
        List.of(
            "-javaagent:" + ItSettings.agentJar(),
            "-Ddepcache.redis.url=" + TestRedis.url(),
            "-Ddepcache.prefix=it" + UUID.randomUUID().toString().substring(0, 8),
            "-Ddepcache.serializer=kryo");
    try (AppProcess app = AppProcess.start(javaHome, arguments, List.of())) {
      assertThat(app.send("active")).isEqualTo("true");
      assertThat(app.send("basket ada"))
          .startsWith("Basket[ada, [BasketLine[")
          .endsWith("computed=1");
      assertThat(app.send("basket ada")).endsWith("computed=1");
      assertThat(app.send("line 2")).contains("note=Optional[gift]").endsWith("computed=1");
      assertThat(app.send("line 2")).endsWith("computed=1");
      assertThat(app.send("user 3")).isEqualTo("user3 computed=1");
      assertThat(app.send("user 3")).isEqualTo("user3 computed=1");
      assertThat(app.log()).contains("serializer=kryo").doesNotContain("Unsafe");
    }
  }
}
