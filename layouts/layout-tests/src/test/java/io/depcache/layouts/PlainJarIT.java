package io.depcache.layouts;

import static org.assertj.core.api.Assertions.assertThat;

import io.depcache.testing.JvmProcess;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code java -jar app.jar} whose manifest {@code Class-Path} names the API jar. */
class PlainJarIT {
  static Stream<String> javaHomes() {
    return LayoutSettings.javaHomes().stream();
  }

  private static JvmProcess start(String javaHome, Map<String, String> environment)
      throws Exception {
    return JvmProcess.start(
        List.of(
            LayoutSettings.java(javaHome),
            "-javaagent:" + LayoutSettings.agentJar() + "=" + LayoutSettings.agentOptions(),
            "-jar",
            LayoutSettings.plainApp()),
        environment);
  }

  @ParameterizedTest
  @MethodSource("javaHomes")
  void everyFeatureWorksThroughAManifestClassPath(String javaHome) throws Exception {
    try (JvmProcess app = start(javaHome, Map.of())) {
      Scenario.run(app::send);
      assertThat(app.log()).contains("depcache agent installed").doesNotContain("WARN");
    }
  }

  @ParameterizedTest
  @MethodSource("javaHomes")
  void anUnknownDepcacheVariableIsOneWarningAndTheAgentRuns(String javaHome) throws Exception {
    try (JvmProcess app =
        start(javaHome, Map.of("DEPCACHE_HOME", "/opt/depcache", "DEPCACHE_TTL", "60"))) {
      Scenario.run(app::send);
      assertThat(app.log())
          .contains(
              "WARN depcache - DEPCACHE_HOME is not a known setting and is ignored (environment"
                  + " variable DEPCACHE_HOME)")
          .contains("ttl=60s");
    }
  }
}
