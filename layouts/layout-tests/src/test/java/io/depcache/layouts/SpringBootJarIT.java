package io.depcache.layouts;

import static org.assertj.core.api.Assertions.assertThat;

import io.depcache.testing.JvmProcess;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A Spring Boot 4 executable jar built by {@code spring-boot-maven-plugin}: the API only in {@code
 * BOOT-INF/lib}, run with {@code java -javaagent:depcache-agent.jar -jar app.jar}, the near cache
 * on.
 */
class SpringBootJarIT {
  static Stream<String> javaHomes() {
    return LayoutSettings.javaHomes().stream();
  }

  @ParameterizedTest
  @MethodSource("javaHomes")
  void everyFeatureWorksInAnExecutableJar(String javaHome) throws Exception {
    try (JvmProcess app =
        JvmProcess.start(
            List.of(
                LayoutSettings.java(javaHome),
                "-javaagent:"
                    + LayoutSettings.agentJar()
                    + "="
                    + LayoutSettings.agentOptions()
                    + ",near-cache.enabled=true",
                "-jar",
                LayoutSettings.bootApp(),
                "--server.port=0"))) {
      Scenario.run(app::send);
      Scenario.near(app::send);
      // The application's loader delegates to its parent first: it resolves the agent's copy of
      // the API on the bootstrap path, and its own copy in BOOT-INF/lib is never loaded.
      assertThat(app.send("loader")).isEqualTo("null");
      assertThat(app.log())
          .contains("depcache agent installed")
          .doesNotContain("could not instrument")
          .doesNotContain("WARNING: sun.misc.Unsafe");
    }
  }
}
