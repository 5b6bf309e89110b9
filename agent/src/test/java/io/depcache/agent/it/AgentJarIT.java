package io.depcache.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.tools.attach.VirtualMachine;
import io.depcache.testing.TestRedis;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import redis.clients.jedis.RedisClient;

/**
 * The agent as users run it: separate JVMs started with {@code -javaagent:} on the packaged jar,
 * against a real Redis, on every JDK we support.
 */
class AgentJarIT {
  static Stream<String> javaHomes() {
    return ItSettings.javaHomes().stream();
  }

  private static List<String> agentArguments(String prefix, String... more) {
    List<String> arguments = new ArrayList<>();
    arguments.add("-javaagent:" + ItSettings.agentJar());
    arguments.add("-Ddepcache.redis.url=" + TestRedis.url());
    arguments.add("-Ddepcache.prefix=" + prefix);
    // What these tests look at is the layout, not the timeout: on a loaded machine the first lookup
    // of a JVM that just started (or was just attached to) can take longer than the default 200 ms,
    // and then runs uncached, which a test counts as a second computation.
    arguments.add("-Ddepcache.redis.timeout-ms=2000");
    arguments.addAll(List.of(more));
    return arguments;
  }

  /**
   * Waits until an entry of the prefix is in Redis: after a lookup that took more than a few
   * milliseconds (the first of a JVM opens its connection), a miss's write goes on behind its call.
   */
  private static void awaitEntry(String prefix) throws InterruptedException {
    try (RedisClient redis = RedisClient.create(TestRedis.url())) {
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (redis.keys(prefix + ":default:e:*").isEmpty()) {
        assertThat(System.nanoTime()).as("the entry was written").isLessThan(deadline);
        Thread.sleep(5);
      }
    }
  }

  private static String prefix() {
    return "it" + UUID.randomUUID().toString().substring(0, 8);
  }

  @ParameterizedTest
  @MethodSource("javaHomes")
  void cachesAndInvalidatesThroughNestedCalls(String javaHome) throws Exception {
    try (AppProcess app = AppProcess.start(javaHome, agentArguments(prefix()), List.of())) {
      assertThat(app.send("active")).isEqualTo("true");
      assertThat(app.send("user 1")).isEqualTo("user1 computed=1");
      assertThat(app.send("user 1")).isEqualTo("user1 computed=1");
      assertThat(app.send("dashboard 1")).endsWith("computed=1");
      assertThat(app.send("dashboard 1")).endsWith("computed=1");
      // user:1 was a hit inside the dashboard's computation; the dashboard still depends on it
      assertThat(app.send("invalidate user:1")).isEqualTo("3");
      assertThat(app.send("rename X")).isEqualTo("ok");
      assertThat(app.send("dashboard 1")).contains("user1X").endsWith("computed=2");
      assertThat(app.log()).contains("depcache agent installed");
    }
  }

  @ParameterizedTest
  @MethodSource("javaHomes")
  void twoJvmsShareOneRedisAndSeeEachOthersInvalidations(String javaHome) throws Exception {
    String prefix = prefix();
    try (AppProcess a = AppProcess.start(javaHome, agentArguments(prefix), List.of());
        AppProcess b = AppProcess.start(javaHome, agentArguments(prefix), List.of())) {
      assertThat(a.send("user 5")).isEqualTo("user5 computed=1");
      awaitEntry(prefix);
      assertThat(b.send("user 5")).isEqualTo("user5 computed=0"); // computed by the other JVM
      assertThat(b.send("rename B")).isEqualTo("ok");
      assertThat(b.send("invalidate user:5")).isEqualTo("1");
      assertThat(a.send("user 5")).isEqualTo("user5 computed=2");
      awaitEntry(prefix);
      assertThat(b.send("user 5")).isEqualTo("user5 computed=0");
    }
  }

  @ParameterizedTest
  @MethodSource("javaHomes")
  void aChildFirstLoaderWithItsOwnCopyOfTheApiReachesTheAgent(String javaHome) throws Exception {
    String child = "child-first " + ItSettings.apiClasses() + " " + ItSettings.testClasses();
    try (AppProcess app = AppProcess.start(javaHome, agentArguments(prefix()), List.of())) {
      String first = app.send(child);
      assertThat(first)
          .contains("computed=1", "active=true", "apiLoader=child", "manager=live")
          .contains("key=com.example.itapp.ChildApp#price(\"A1\")");
      assertThat(app.send(child)).contains("computed=0"); // a new loader hits the stored entry
      // the dependency was declared through the child's own DepCache copy
      assertThat(app.send("invalidate sku:A1")).isEqualTo("1");
      assertThat(app.send(child)).contains("computed=1");
    }
  }

  @ParameterizedTest
  @MethodSource("javaHomes")
  void theApplicationsOwnJedisAndSlf4jAreUntouched(String javaHome) throws Exception {
    List<String> own = ItSettings.appLibraries();
    try (AppProcess app = AppProcess.start(javaHome, agentArguments(prefix()), own)) {
      assertThat(app.send("user 2")).isEqualTo("user2 computed=1");
      assertThat(app.send("user 2")).isEqualTo("user2 computed=1");
      String libraries = app.send("own-libraries " + TestRedis.url());
      assertThat(libraries).contains("jedis=works", "jedisJar=jedis-5.", "slf4jJar=slf4j-api-1.7.");
      assertThat(app.log()).contains("the application's own SLF4J logs this");
    }
  }

  @ParameterizedTest
  @MethodSource("javaHomes")
  void attachesToARunningJvm(String javaHome) throws Exception {
    String prefix = prefix();
    List<String> jvm =
        List.of(
            "-Ddepcache.redis.url=" + TestRedis.url(),
            "-Ddepcache.prefix=" + prefix,
            "-Ddepcache.redis.timeout-ms=2000", // as agentArguments says
            "-XX:+EnableDynamicAgentLoading");
    try (AppProcess app = AppProcess.start(javaHome, jvm, List.of())) {
      assertThat(app.send("active")).isEqualTo("false");
      assertThat(app.send("user 3")).isEqualTo("user3 computed=1");
      assertThat(app.send("user 3")).isEqualTo("user3 computed=2");
      VirtualMachine vm = VirtualMachine.attach(Long.toString(app.pid));
      try {
        vm.loadAgent(ItSettings.agentJar());
        vm.loadAgent(ItSettings.agentJar()); // a second attach is a no-op
      } finally {
        vm.detach();
      }
      assertThat(app.send("active")).isEqualTo("true");
      assertThat(app.send("user 3")).isEqualTo("user3 computed=3");
      assertThat(app.send("user 3")).isEqualTo("user3 computed=3");
      assertThat(app.log()).contains("agent already installed");
    }
  }

  @ParameterizedTest
  @MethodSource("javaHomes")
  void aBadSettingStopsTheAgentButNotTheApplication(String javaHome) throws Exception {
    try (AppProcess app =
        AppProcess.start(javaHome, agentArguments(prefix(), "-Ddepcache.ttl=5m"), List.of())) {
      assertThat(app.send("active")).isEqualTo("false");
      assertThat(app.send("user 4")).isEqualTo("user4 computed=1");
      assertThat(app.send("user 4")).isEqualTo("user4 computed=2");
      assertThat(app.log()).contains("depcache.ttl", "5m", "system property");
    }
  }

  @ParameterizedTest
  @MethodSource("javaHomes")
  void disabledInstrumentsNothing(String javaHome) throws Exception {
    try (AppProcess app =
        AppProcess.start(
            javaHome, agentArguments(prefix(), "-Ddepcache.enabled=false"), List.of())) {
      assertThat(app.send("active")).isEqualTo("false");
      assertThat(app.send("user 4")).isEqualTo("user4 computed=1");
      assertThat(app.send("user 4")).isEqualTo("user4 computed=2");
    }
  }

  @ParameterizedTest
  @MethodSource("javaHomes")
  void redisUnreachableAtStartTheApplicationRunsUncached(String javaHome) throws Exception {
    List<String> jvm =
        List.of(
            "-javaagent:" + ItSettings.agentJar(),
            "-Ddepcache.redis.url=redis://127.0.0.1:1/0",
            "-Ddepcache.prefix=" + prefix());
    try (AppProcess app = AppProcess.start(javaHome, jvm, List.of())) {
      assertThat(app.send("active")).isEqualTo("true");
      assertThat(app.send("user 6")).isEqualTo("user6 computed=1");
      assertThat(app.send("user 6")).isEqualTo("user6 computed=2");
      assertThat(app.send("invalidate user:6")).isEqualTo("0");
    }
  }
}
