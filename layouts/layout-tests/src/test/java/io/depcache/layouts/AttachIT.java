package io.depcache.layouts;

import static org.assertj.core.api.Assertions.assertThat;

import io.depcache.testing.CommandRun;
import io.depcache.testing.JvmProcess;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The agent attached to a running JVM, by {@code java -jar depcache-agent.jar attach} and by {@code
 * jcmd <pid> JVMTI.agent_load}, into applications that had already used the API (its classes
 * loaded, a disabled manager handed out) and into ones that had not.
 */
class AttachIT {
  /** The answer of a command-line run: exit status and everything printed. */
  static Stream<Arguments> plainCases() {
    List<Arguments> cases = new ArrayList<>();
    for (String home : LayoutSettings.javaHomes()) {
      for (String how : List.of("attach", "jcmd")) {
        cases.add(Arguments.of(home, how, true));
        cases.add(Arguments.of(home, how, false));
      }
    }
    return cases.stream();
  }

  static Stream<String> javaHomes() {
    return LayoutSettings.javaHomes().stream();
  }

  @ParameterizedTest(name = "{1} touched={2} {0}")
  @MethodSource("plainCases")
  void attachedToAPlainJarEveryFeatureWorks(String javaHome, String how, boolean touched)
      throws Exception {
    try (JvmProcess app = startWithoutAgent(javaHome, "-jar", LayoutSettings.plainApp())) {
      if (touched) {
        useTheApiWithoutTheAgent(app);
      }
      if (how.equals("attach")) {
        CommandRun run = attachCommand(javaHome, app.pid, LayoutSettings.agentOptions());
        assertThat(run.exit()).as(run.output()).isZero();
        assertThat(run.output())
            .contains("pid: " + app.pid, "installed: now", "status: installed: depcache enabled");
      } else {
        CommandRun run =
            run(
                Path.of(javaHome, "bin", "jcmd").toString(),
                Long.toString(app.pid),
                "JVMTI.agent_load",
                LayoutSettings.agentJar(),
                // jcmd reads an unquoted k=v as its own option: the agent's options are quoted
                '"' + LayoutSettings.agentOptions() + '"');
        assertThat(run.exit()).as(run.output()).isZero();
      }
      Scenario.run(app::send);
      assertThat(app.log()).doesNotContain("IllegalAccessError", "could not instrument");
      if (touched) {
        assertThat(app.log()).contains("isolated: the application had already loaded");
      }
    }
  }

  @ParameterizedTest
  @MethodSource("javaHomes")
  void attachedToASpringBootJarThatUsedTheApiEveryFeatureWorks(String javaHome) throws Exception {
    try (JvmProcess app =
        startWithoutAgent(javaHome, "-jar", LayoutSettings.bootApp(), "--server.port=0")) {
      useTheApiWithoutTheAgent(app);
      CommandRun run = attachCommand(javaHome, app.pid, LayoutSettings.agentOptions());
      assertThat(run.exit()).as(run.output()).isZero();
      assertThat(run.output()).contains("installed: now");
      Scenario.run(app::send);
      assertThat(app.log()).doesNotContain("IllegalAccessError", "could not instrument");
    }
  }

  @ParameterizedTest
  @MethodSource("javaHomes")
  void attachingTwiceIsANoOpWithAMessage(String javaHome) throws Exception {
    try (JvmProcess app = startWithoutAgent(javaHome, "-jar", LayoutSettings.plainApp())) {
      assertThat(attachCommand(javaHome, app.pid, LayoutSettings.agentOptions()).exit()).isZero();
      CommandRun second = attachCommand(javaHome, app.pid, null);
      assertThat(second.exit()).as(second.output()).isZero();
      assertThat(second.output())
          .contains("installed: already (attach)")
          .contains("nothing done: the agent is already installed");
      assertThat(app.send("active")).isEqualTo("true");
    }
  }

  @ParameterizedTest
  @MethodSource("javaHomes")
  void optionsTheAgentRefusesAreReportedAndTheApplicationRunsOn(String javaHome) throws Exception {
    try (JvmProcess app = startWithoutAgent(javaHome, "-jar", LayoutSettings.plainApp())) {
      CommandRun run = attachCommand(javaHome, app.pid, "ttl=5m");
      assertThat(run.exit()).as(run.output()).isEqualTo(1);
      assertThat(run.output())
          .contains("installed: no")
          .contains("depcache.ttl must be a whole number of seconds >= 0, got '5m'");
      assertThat(app.send("active")).isEqualTo("false");
      assertThat(app.send("user 1")).isEqualTo("user1 runs=1");
      // a refused attach leaves the way open for one with better options
      CommandRun again = attachCommand(javaHome, app.pid, LayoutSettings.agentOptions());
      assertThat(again.exit()).as(again.output()).isZero();
      Scenario.run(app::send);
    }
  }

  @ParameterizedTest
  @MethodSource("javaHomes")
  void aJvmThatRefusesAttachIsNamedWithTheReason(String javaHome) throws Exception {
    try (JvmProcess app =
        startWithoutAgent(
            javaHome, "-XX:+DisableAttachMechanism", "-jar", LayoutSettings.plainApp())) {
      CommandRun run = attachCommand(javaHome, app.pid, null);
      assertThat(run.exit()).isEqualTo(2);
      assertThat(run.output()).contains("attach: cannot attach to process " + app.pid);
      assertThat(app.send("active")).isEqualTo("false");
    }
    CommandRun noSuchProcess = attachCommand(javaHome, 999_999_999L, null);
    assertThat(noSuchProcess.exit()).isEqualTo(2);
    assertThat(noSuchProcess.output()).contains("cannot attach to process 999999999");
    CommandRun notANumber =
        run(LayoutSettings.java(javaHome), "-jar", LayoutSettings.agentJar(), "attach");
    assertThat(notANumber.exit()).isEqualTo(2);
    assertThat(notANumber.output()).contains("expected the process id of a running JVM");
  }

  /** Loads the API's facade and its disabled manager before any agent is there. */
  private static void useTheApiWithoutTheAgent(JvmProcess app) throws IOException {
    assertThat(app.send("active")).isEqualTo("false");
    assertThat(app.send("manager")).isEqualTo("default disabled");
    assertThat(app.send("invalidate user:1")).isEqualTo("0");
    assertThat(app.send("user 1")).isEqualTo("user1 runs=1");
    assertThat(app.send("user 1")).isEqualTo("user1 runs=2");
  }

  private static JvmProcess startWithoutAgent(String javaHome, String... arguments)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(LayoutSettings.java(javaHome));
    // JDK 21+ warns about agents loaded into a running JVM unless this flag says it is expected
    command.add("-XX:+EnableDynamicAgentLoading");
    command.addAll(List.of(arguments));
    return JvmProcess.start(command);
  }

  private static CommandRun attachCommand(String javaHome, long pid, String options)
      throws Exception {
    List<String> command = new ArrayList<>();
    command.addAll(
        List.of(
            LayoutSettings.java(javaHome),
            "-jar",
            LayoutSettings.agentJar(),
            "attach",
            Long.toString(pid)));
    if (options != null) {
      command.add(options);
    }
    return run(command.toArray(String[]::new));
  }

  private static CommandRun run(String... command) throws Exception {
    return CommandRun.of(command);
  }
}
