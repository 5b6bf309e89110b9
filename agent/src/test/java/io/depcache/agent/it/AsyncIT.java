package io.depcache.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.depcache.testing.TestRedis;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import redis.clients.jedis.RedisClient;

/**
 * Asynchronous cached methods as users run them: a JVM started with {@code -javaagent:} on the
 * packaged jar, on every JDK we support; virtual threads where the JDK has them.
 */
class AsyncIT {
  private static final Pattern VIRTUAL =
      Pattern.compile("done=(\\d+) computed=(\\d+) pinned=(\\d+) ms=(\\d+)");

  static Stream<String> javaHomes() {
    return ItSettings.javaHomes().stream();
  }

  private static AppProcess start(String javaHome, String... more) throws Exception {
    return startWith("it" + UUID.randomUUID().toString().substring(0, 8), javaHome, more);
  }

  private static AppProcess startWith(String prefix, String javaHome, String... more)
      throws Exception {
    List<String> arguments = new ArrayList<>();
    arguments.add("-javaagent:" + ItSettings.agentJar());
    arguments.add("-Ddepcache.redis.url=" + TestRedis.url());
    arguments.add("-Ddepcache.prefix=" + prefix);
    arguments.addAll(List.of(more));
    return AppProcess.start(javaHome, arguments, List.of(), "com.example.itapp.AsyncApp");
  }

  @ParameterizedTest
  @MethodSource("javaHomes")
  void aFutureIsCachedByItsValueAndInvalidatedByItsDependencies(String javaHome) throws Exception {
    String prefix = "it" + UUID.randomUUID().toString().substring(0, 8);
    try (AppProcess app = startWith(prefix, javaHome)) {
      assertThat(app.send("order 1")).isEqualTo("order1 computed=1");
      awaitEntries(prefix, 1); // the write goes on behind the call, once its future completed
      assertThat(app.send("order 1")).isEqualTo("order1 computed=1");
      assertThat(app.send("invalidate order:1")).isEqualTo("1");
      assertThat(app.send("order 1")).isEqualTo("order1 computed=2");
    }
  }

  @ParameterizedTest
  @MethodSource("javaHomes")
  void aDependencyDeclaredInAnAsyncStageBelongsToTheCall(String javaHome) throws Exception {
    String prefix = "it" + UUID.randomUUID().toString().substring(0, 8);
    try (AppProcess app = startWith(prefix, javaHome)) {
      assertThat(app.send("total 2")).isEqualTo("order2 total computed=1");
      awaitEntries(prefix, 2); // the writes go on behind the calls: the order's and the total's
      assertThat(app.send("total 2")).isEqualTo("order2 total computed=1");
      // declared in thenApplyAsync, on a thread of CompletableFuture's default executor
      assertThat(app.send("invalidate price:2")).isEqualTo("1");
      assertThat(app.send("total 2")).isEqualTo("order2 total computed=2");
      awaitEntries(prefix, 2);
      // the inner call's dependency reached the outer entry too
      assertThat(app.send("invalidate order:2")).isEqualTo("2");
      assertThat(app.send("total 2")).isEqualTo("order2 total computed=3");
    }
  }

  private static void awaitEntries(String prefix, int count) throws InterruptedException {
    try (RedisClient redis = RedisClient.create(TestRedis.url())) {
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (redis.keys(prefix + ":default:e:*").size() < count) {
        assertThat(System.nanoTime()).as(count + " entries written").isLessThan(deadline);
        Thread.sleep(5);
      }
    }
  }

  @ParameterizedTest
  @MethodSource("javaHomes")
  void tenThousandVirtualThreadsCallAtOnceWithoutPinningACarrier(String javaHome) throws Exception {
    try (AppProcess app = start(javaHome)) {
      // The first virtual threads that use a socket initialise the JDK's poller, and may pin
      // their carrier while they wait for it: the JDK's start, not depcache's.
      String answer = app.send("virtual 200 10");
      if (!answer.equals("no virtual threads")) {
        answer = app.send("virtual 1000 100");
      }
      if (answer.equals("no virtual threads")) {
        // only the JDK 17 that runs the tests lacks them; a listed JDK 25 must not
        assertThat(javaHome).isEqualTo(System.getProperty("java.home"));
        assertThat(Runtime.version().feature()).isLessThan(21);
        return;
      }
      Matcher figures = VIRTUAL.matcher(answer);
      assertThat(figures.matches()).as(answer).isTrue();
      assertThat(figures.group(1)).isEqualTo("1000");
      assertThat(Integer.parseInt(figures.group(2)))
          .as("computations of 100 keys by 1,000 callers; " + app.log())
          .isBetween(100, 200);
      assertThat(figures.group(3)).as("pinned carriers; " + app.log()).isEqualTo("0");

      // 10,000 at once wait for 64 connections: those that find none free within the timeout
      // run their bodies uncached, and the circuit stays closed. All of them complete.
      answer = app.send("virtual 10000 100");
      figures = VIRTUAL.matcher(answer);
      assertThat(figures.matches()).as(answer).isTrue();
      assertThat(figures.group(1)).isEqualTo("10000");
      assertThat(figures.group(3)).as("pinned carriers; " + app.log()).isEqualTo("0");
      System.out.println("[virtual] 10,000 callers: " + answer);
      assertThat(app.log()).doesNotContain("unavailable, bypassing it");
    }
  }

  @ParameterizedTest
  @MethodSource("javaHomes")
  void waitersOfASingleFlightLeaveTheOnlyCarrierFree(String javaHome) throws Exception {
    // One carrier: a waiter that held it while waiting would keep the leader from finishing,
    // until every wait ran out (10 s) and each waiter computed for itself.
    try (AppProcess app =
        start(
            javaHome,
            "-Djdk.virtualThreadScheduler.parallelism=1",
            "-Djdk.virtualThreadScheduler.maxPoolSize=1")) {
      String answer = app.send("virtual 200 1");
      if (answer.equals("no virtual threads")) {
        assertThat(Runtime.version().feature()).as("the JDK 17 run").isLessThan(21);
        return;
      }
      Matcher figures = VIRTUAL.matcher(answer);
      assertThat(figures.matches()).as(answer).isTrue();
      assertThat(figures.group(1)).isEqualTo("200");
      // One for all, give or take a waiter whose lookup missed just before the leader landed; a
      // pinned carrier would make each of the 200 wait out its 10 s and compute for itself.
      assertThat(Integer.parseInt(figures.group(2))).as("computations").isLessThan(10);
      assertThat(Long.parseLong(figures.group(4))).as("ms for all").isLessThan(5_000);
    }
  }
}
