package io.depcache.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import io.depcache.testing.CommandRun;
import io.depcache.testing.TestRedis;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import redis.clients.jedis.RedisClient;

/**
 * {@code java -jar depcache-agent.jar <command>} end to end: each command a separate JVM on the
 * packaged jar, against a real Redis, on entries that a real agent (an application JVM started with
 * {@code -javaagent:}) wrote.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CommandLineIT {
  private static final String USER_1 = "com.example.fixtures.UserService#user(1)";
  private static final String DASHBOARD_1 = "com.example.fixtures.Dashboard#dashboard(1)";

  private String prefix;
  private AppProcess app;
  private RedisClient redis;

  @BeforeAll
  void startRedis() {
    redis = RedisClient.create(TestRedis.url());
  }

  @AfterAll
  void stop() throws Exception {
    if (app != null) {
      app.close();
    }
    redis.close();
  }

  /** A fresh prefix and an application that cached user 1 and dashboard 1 in it. */
  @BeforeEach
  void freshEntries() throws Exception {
    if (app != null) {
      app.close();
    }
    prefix = "cli" + UUID.randomUUID().toString().substring(0, 8);
    app = startApp(prefix);
    assertThat(app.send("dashboard 1")).endsWith("computed=1");
    // users 1, 3 and 101 missed inside the dashboard; user 1 now hits
    assertThat(app.send("user 1")).endsWith("computed=3");
    awaitKey(entryKey(DASHBOARD_1));
    awaitKey(entryKey(USER_1));
  }

  private static AppProcess startApp(String prefix) throws Exception {
    String java = System.getProperty("java.home");
    return AppProcess.start(
        java,
        List.of(
            "-javaagent:" + ItSettings.agentJar(),
            "-Ddepcache.redis.url=" + TestRedis.url(),
            // a busy machine: a first lookup past 200 ms would run uncached and write nothing
            "-Ddepcache.redis.timeout-ms=2000",
            "-Ddepcache.prefix=" + prefix),
        List.of());
  }

  private String entryKey(String key) {
    return prefix + ":default:e:" + key;
  }

  private void awaitKey(String key) throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (!redis.exists(key)) {
      assertThat(System.nanoTime()).as(key + " written").isLessThan(deadline);
      Thread.sleep(5);
    }
  }

  private CommandRun cli(String... arguments) throws Exception {
    return cliAt(TestRedis.url(), arguments);
  }

  private CommandRun cliAt(String redisUrl, String... arguments) throws Exception {
    return Cli.run(
        List.of(
            "-Ddepcache.redis.url=" + redisUrl,
            "-Ddepcache.redis.timeout-ms=2000",
            "-Ddepcache.prefix=" + prefix),
        arguments);
  }

  private static JsonObject json(CommandRun run) {
    return Cli.json(run);
  }

  @Test
  void dependentsListsWhatTheAgentRegistered() throws Exception {
    CommandRun run = cli("dependents", "user:1");
    assertThat(run.exit()).as(run.output()).isZero();
    // user(1), the dashboard that hit it, and the team list in between
    assertThat(run.output())
        .contains("dependents: 3")
        .contains("entry: " + USER_1 + "\n")
        .contains("entry: " + DASHBOARD_1 + "\n");
    CommandRun limited = cli("dependents", "--limit", "1", "user:1", "--json");
    assertThat(limited.exit()).as(limited.output()).isZero();
    JsonObject document = json(limited);
    assertThat(document.get("total").getAsLong()).isEqualTo(3);
    assertThat(document.getAsJsonArray("entries")).hasSize(1);
    assertThat(document.getAsJsonArray("entries").get(0).getAsJsonObject().get("key").getAsString())
        .isEqualTo(USER_1);
    assertThat(cli("dependents", "user:404").output()).contains("dependents: 0");
  }

  @Test
  void inspectShowsAnEntryWithoutReadingItsValue() throws Exception {
    CommandRun run = cli("inspect", USER_1);
    assertThat(run.exit()).as(run.output()).isZero();
    long size = redis.strlen(entryKey(USER_1));
    assertThat(run.output())
        .contains("class: com.example.fixtures.User\n")
        .contains("bytes: " + size + "\n")
        .containsPattern("ttl: (3[0-9]{3}|[0-9]{1,3})\n")
        .containsPattern("dependencies: user:1 \\(sequence [0-9]+\\)\n")
        .contains("signed: no");
    JsonObject document = json(cli("inspect", "--json", DASHBOARD_1));
    assertThat(document.get("class").getAsString()).isEqualTo("java.lang.String");
    assertThat(document.get("bytes").getAsLong()).isEqualTo(redis.strlen(entryKey(DASHBOARD_1)));
    assertThat(document.get("ttl").getAsLong()).isBetween(1L, 3600L);
    List<String> dependencies = new ArrayList<>();
    document
        .getAsJsonArray("dependencies")
        .forEach(d -> dependencies.add(d.getAsJsonObject().get("dependency").getAsString()));
    assertThat(dependencies).contains("dashboard:1", "user:1");
    assertThat(document.get("signed").getAsBoolean()).isFalse();
  }

  @Test
  void inspectOfAnAbsentKeyExitsOne() throws Exception {
    CommandRun run = cli("inspect", "com.example.fixtures.UserService#user(404)");
    assertThat(run.exit()).as(run.output()).isEqualTo(1);
    assertThat(run.output().strip())
        .isEqualTo(
            "inspect: no entry 'com.example.fixtures.UserService#user(404)' in manager default");
  }

  @Test
  void invalidateRemovesTheDependentsForEveryJvm() throws Exception {
    CommandRun run = cli("invalidate", "user:1", "user:404");
    assertThat(run.exit()).as(run.output()).isZero();
    assertThat(run.output()).isEqualTo("user:1: 3\nuser:404: 0\n");
    assertThat(redis.exists(entryKey(USER_1))).isFalse();
    assertThat(redis.exists(entryKey(DASHBOARD_1))).isFalse();
    assertThat(app.send("user 1")).endsWith("computed=4"); // the application computes again
    awaitKey(entryKey(USER_1));
    CommandRun again = cli("invalidate", "--json", "user:1");
    assertThat(again.exit()).as(again.output()).isZero();
    JsonObject document = json(again);
    assertThat(document.getAsJsonObject("removed").get("user:1").getAsLong()).isEqualTo(1);
    assertThat(document.get("total").getAsLong()).isEqualTo(1);
  }

  @Test
  void invalidateWaitsForItsRepeatBeforeItExits() throws Exception {
    java.util.concurrent.CompletableFuture<CommandRun> command =
        java.util.concurrent.CompletableFuture.supplyAsync(
            () -> {
              try {
                return cli("-Ddepcache.invalidate.repeat-after-ms=4000", "invalidate", "user:1");
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    // the first invalidation removes user(1); the application computes it again before the repeat
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (redis.exists(entryKey(USER_1))) {
      assertThat(System.nanoTime()).as("first invalidation").isLessThan(deadline);
      Thread.sleep(5);
    }
    assertThat(app.send("user 1")).endsWith("computed=4");
    awaitKey(entryKey(USER_1));
    assertThat(command.isDone()).as("the command still waits for its repeat").isFalse();
    CommandRun run = command.get(30, java.util.concurrent.TimeUnit.SECONDS);
    assertThat(run.exit()).as(run.output()).isZero();
    assertThat(run.output()).isEqualTo("user:1: 3\n");
    assertThat(redis.exists(entryKey(USER_1))).as("removed by the repeat").isFalse();
  }

  @Test
  void deleteRemovesOneEntryAndSaysWhenAKeyWasAbsent() throws Exception {
    CommandRun run = cli("delete", USER_1);
    assertThat(run.exit()).as(run.output()).isZero();
    assertThat(run.output()).isEqualTo(USER_1 + ": deleted\n");
    assertThat(redis.exists(entryKey(USER_1))).isFalse();
    assertThat(redis.exists(entryKey(DASHBOARD_1))).isTrue();
    CommandRun again = cli("delete", "--json", USER_1);
    assertThat(again.exit()).isEqualTo(1);
    assertThat(json(again).getAsJsonObject("keys").get(USER_1).getAsString()).isEqualTo("absent");
  }

  @Test
  void clearRemovesEveryEntryOfTheManager() throws Exception {
    long entries = redis.keys(prefix + ":default:e:*").size();
    assertThat(entries).isGreaterThanOrEqualTo(3);
    CommandRun run = cli("clear");
    assertThat(run.exit()).as(run.output()).isZero();
    assertThat(run.output()).isEqualTo("manager: default\nremoved: " + entries + "\n");
    assertThat(redis.keys(prefix + ":default:*")).isEmpty();
    assertThat(json(cli("clear", "--json")).get("removed").getAsLong()).isZero();
  }

  @Test
  void statsShowsEveryLiveJvmAndTheFleetTotal() throws Exception {
    // app: users 1, 3 and 101 missed inside the dashboard, user 1 hit; one more hit now
    assertThat(app.send("user 1")).endsWith("computed=3");
    try (AppProcess other = startApp(prefix)) {
      assertThat(other.send("user 1")).endsWith("computed=0"); // a hit on what app wrote
      JsonObject document = awaitStats(2, 3);
      assertThat(document.getAsJsonObject("fleet").get("jvms").getAsInt()).isEqualTo(2);
      List<Long> pids = new ArrayList<>();
      document
          .getAsJsonArray("jvms")
          .forEach(j -> pids.add(j.getAsJsonObject().get("pid").getAsLong()));
      assertThat(pids).containsExactlyInAnyOrder(app.pid, other.pid);
      JsonObject user =
          document
              .getAsJsonObject("fleet")
              .getAsJsonObject("methods")
              .getAsJsonObject("default")
              .getAsJsonObject("com.example.fixtures.UserService#user(long)");
      assertThat(user.get("hits").getAsLong()).isEqualTo(3);
      assertThat(user.get("misses").getAsLong()).isEqualTo(3);
      CommandRun text = cli("stats");
      assertThat(text.exit()).as(text.output()).isZero();
      assertThat(text.output())
          .contains("jvm: ")
          .contains(" pid " + app.pid + ", started ")
          .contains(" pid " + other.pid + ", started ")
          .contains("fleet: 2 JVM(s)")
          .contains("    method com.example.fixtures.UserService#user(long): hits 3, misses 3,");
      String key =
          redis.keys(prefix + ":@stats:*").stream()
              .filter(k -> k.contains("/" + other.pid + "/"))
              .findFirst()
              .orElseThrow();
      assertThat(redis.pttl(key)).isBetween(1L, 35_000L); // a JVM that dies ages out
    }
    // a JVM that stops takes its counters with it
    JsonObject after = json(cli("stats", "--json"));
    assertThat(after.getAsJsonObject("fleet").get("jvms").getAsInt()).isEqualTo(1);
  }

  /** Polls {@code stats --json} until that many JVMs published and the method's hits add up. */
  private JsonObject awaitStats(int jvms, long hits) throws Exception {
    long deadline = System.nanoTime() + 40_000_000_000L;
    while (true) {
      CommandRun run = cli("stats", "--json");
      assertThat(run.exit()).as(run.output()).isZero();
      JsonObject document = json(run);
      JsonObject fleet = document.getAsJsonObject("fleet");
      JsonObject methods = fleet.getAsJsonObject("methods").getAsJsonObject("default");
      if (fleet.get("jvms").getAsInt() == jvms
          && methods != null
          && methods.has("com.example.fixtures.UserService#user(long)")
          && methods
                  .getAsJsonObject("com.example.fixtures.UserService#user(long)")
                  .get("hits")
                  .getAsLong()
              == hits) {
        return document;
      }
      assertThat(System.nanoTime()).as("stats published: " + run.output()).isLessThan(deadline);
      Thread.sleep(1000);
    }
  }

  @Test
  void badUsageExitsTwoWithTheUsage() throws Exception {
    for (String[] bad :
        new String[][] {
          {"invalidate"},
          {"inspect"},
          {"inspect", "a", "b"},
          {"dependents", "user:1", "--limit", "many"},
          {"stats", "--bogus"},
          {"clear", "extra"},
          {"nonsense"},
          {}
        }) {
      CommandRun run = cli(bad);
      assertThat(run.exit()).as(String.join(" ", bad) + ": " + run.output()).isEqualTo(2);
      assertThat(run.output()).contains("usage: java -jar depcache-agent.jar");
    }
    CommandRun help = cli("help");
    assertThat(help.exit()).isZero();
    assertThat(help.output())
        .contains("invalidate", "delete", "inspect", "dependents", "stats", "clear", "check")
        .contains("attach");
    CommandRun one = cli("help", "dependents");
    assertThat(one.exit()).isZero();
    assertThat(one.output())
        .startsWith(
            "usage: java -jar depcache-agent.jar dependents <dependency> [--limit N] [--manager"
                + " NAME]");
  }

  @Test
  void anUnreachableRedisExitsTwoWithinSecondsInOneLine() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    String nowhere = "redis://ops:s3cr3t@127.0.0.1:" + port + "/0";
    for (String[] command :
        new String[][] {
          {"invalidate", "user:1"}, {"inspect", USER_1}, {"stats"}, {"dependents", "user:1"}
        }) {
      long started = System.nanoTime();
      CommandRun run = cliAt(nowhere, command);
      long millis = (System.nanoTime() - started) / 1_000_000;
      assertThat(run.exit()).as(run.output()).isEqualTo(2);
      assertThat(millis).as("took " + millis + " ms").isLessThan(5_000);
      assertThat(run.output().strip().lines()).as(run.output()).hasSize(1);
      assertThat(run.output()).contains("127.0.0.1:" + port).doesNotContain("s3cr3t");
    }
    assertThat(cliAt(nowhere, "invalidate", "user:1").output()).contains("not applied: user:1");
    assertThat(redis.exists(entryKey(USER_1))).isTrue();
  }

  @Test
  void theMemoryBackendIsRefusedClearly() throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Ddepcache.backend=memory");
    command.add("-jar");
    command.add(ItSettings.agentJar());
    command.add("clear");
    CommandRun run = CommandRun.of(command);
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.output()).contains("depcache.backend=memory");
    assertThat(StandardCharsets.UTF_8.name()).isNotEmpty();
  }
}
