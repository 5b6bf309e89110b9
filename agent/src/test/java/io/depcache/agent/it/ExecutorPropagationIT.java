package io.depcache.agent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.depcache.testing.TestRedis;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A cached method whose work runs on a thread pool and in {@code CompletableFuture} stages, in a
 * JVM started with {@code -javaagent:}: what the tasks declare belongs to its entry. JDK 17 runs
 * the stages on a thread each when the common pool has a parallelism of 1 (two cores or fewer),
 * else on the common pool, which is where JDK 25 always runs them: both are run here.
 */
class ExecutorPropagationIT {
  private static final String ONE_THREAD_PER_STAGE =
      "java.util.concurrent.CompletableFuture$ThreadPerTaskExecutor";

  static Stream<Arguments> javaHomesAndParallelism() {
    List<Arguments> runs = new ArrayList<>();
    for (String home : ItSettings.javaHomes()) {
      runs.add(Arguments.of(home, 1));
      runs.add(Arguments.of(home, 3));
    }
    return runs.stream();
  }

  static Stream<String> javaHomes() {
    return ItSettings.javaHomes().stream();
  }

  private static AppProcess start(String javaHome, int parallelism) throws Exception {
    return AppProcess.start(
        javaHome,
        List.of(
            "-javaagent:" + ItSettings.agentJar(),
            "-Ddepcache.redis.url=" + TestRedis.url(),
            "-Ddepcache.redis.timeout-ms=5000",
            "-Ddepcache.prefix=it" + UUID.randomUUID().toString().substring(0, 8),
            "-Djava.util.concurrent.ForkJoinPool.common.parallelism=" + parallelism),
        List.of());
  }

  @ParameterizedTest(name = "{0}, common pool parallelism {1}")
  @MethodSource("javaHomesAndParallelism")
  void tasksOnAPoolAndAsyncStagesDeclareForTheCachedCall(String javaHome, int parallelism)
      throws Exception {
    try (AppProcess app = start(javaHome, parallelism)) {
      String executor = app.send("default-executor");
      System.out.println("[" + javaHome + ", parallelism " + parallelism + "] " + executor);
      if (parallelism == 1 && app.send("java-feature").equals("17")) {
        assertThat(executor).isEqualTo(ONE_THREAD_PER_STAGE);
      } else {
        assertThat(executor).isEqualTo("java.util.concurrent.ForkJoinPool");
      }
      assertDependsOnEach(app, "fanout-executors", "e");
    }
  }

  @ParameterizedTest
  @MethodSource("javaHomes")
  void tasksOnVirtualThreadsDeclareForTheCachedCall(String javaHome) throws Exception {
    try (AppProcess app = start(javaHome, 1)) {
      String feature = app.send("java-feature");
      assumeTrue(
          Integer.parseInt(feature) >= 21,
          "virtual threads need JDK 21+, " + javaHome + " is JDK " + feature);
      assertDependsOnEach(app, "fanout-virtual", "v");
    }
  }

  /**
   * The cached call {@code command id} is computed once, then hit; invalidating each of {@code
   * <id>:0} to {@code <id>:2}, which its tasks declare, removes its entry.
   */
  private static void assertDependsOnEach(AppProcess app, String command, String id)
      throws IOException, InterruptedException {
    int logged = warmUp(app);
    expect(app, command + " " + id, id + " computed=1");
    expect(app, command + " " + id, id + " computed=1");
    for (int n = 0; n < 3; n++) {
      expect(app, "invalidate " + id + ":" + n, "1");
      expect(app, command + " " + id, id + " computed=" + (n + 2));
    }
    assertThat(app.log().substring(logged)).doesNotContain("WARN").doesNotContain("ERROR");
  }

  /**
   * Makes cached calls until one is a hit: a JVM's first calls open its connections, which on a
   * loaded machine can take longer than even a long timeout (the calls then run uncached, as they
   * should).
   *
   * @return how much the app had logged by then
   */
  private static int warmUp(AppProcess app) throws IOException, InterruptedException {
    for (int attempt = 0; attempt < 50; attempt++) {
      if (app.send("user 1").equals(app.send("user 1"))) {
        return app.log().length();
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no cached call was a hit; the app's log:\n" + app.log());
  }

  private static void expect(AppProcess app, String command, String answer) throws IOException {
    String answered = app.send(command);
    assertThat(answered).as("%s (the app's log:%n%s)", command, app.log()).isEqualTo(answer);
  }
}
