package io.depcache.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import io.depcache.agent.store.RedisClusterStore;
import io.depcache.testing.CommandRun;
import io.depcache.testing.RedisCluster;
import io.depcache.testing.TestCluster;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * The command line on a Redis Cluster ({@code depcache.redis.cluster.nodes}): every command that
 * reads or changes the store, each a separate JVM on the packaged jar, on entries that an
 * application JVM under the agent wrote to the shared six-node cluster. {@code dependents} reads a
 * dependency set on its slot's primary; {@code stats} finds what agents published on every primary.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterCommandLineIT {
  private static final String USER_1 = "com.example.fixtures.UserService#user(1)";
  private static final String DASHBOARD_1 = "com.example.fixtures.Dashboard#dashboard(1)";
  private static final String USER_METHOD = "com.example.fixtures.UserService#user(long)";

  private RedisCluster cluster;
  private RedisClusterClient redis;

  @BeforeAll
  void startCluster() {
    cluster = TestCluster.get();
    redis = RedisClusterClient.create(new HostAndPort("127.0.0.1", cluster.ports().get(0)));
  }

  @AfterAll
  void stop() {
    if (redis != null) {
      redis.close();
    }
  }

  @Test
  void everyCommandWorksOnTheCluster() throws Exception {
    String prefix = "clicl" + UUID.randomUUID().toString().substring(0, 8);
    List<String> store =
        List.of(
            "-Ddepcache.redis.cluster.nodes=" + cluster.nodes(),
            // a busy machine: a first lookup past 200 ms would run uncached and write nothing
            "-Ddepcache.redis.timeout-ms=2000",
            "-Ddepcache.prefix=" + prefix);
    String user1 = prefix + ":default:e:" + USER_1;
    String dashboard1 = prefix + ":default:e:" + DASHBOARD_1;
    try (AppProcess app =
        AppProcess.start(System.getProperty("java.home"), agentAnd(store), List.of())) {
      assertThat(app.send("dashboard 1")).endsWith("computed=1");
      // users 1, 3 and 101 missed inside the dashboard; user 1 now hits
      assertThat(app.send("user 1")).endsWith("computed=3");
      awaitKey(dashboard1);
      awaitKey(user1);

      CommandRun dependents = Cli.run(store, "dependents", "user:1");
      assertThat(dependents.exit()).as(dependents.output()).isZero();
      // user(1), the dashboard that hit it, and the team list in between
      assertThat(dependents.output())
          .contains("dependents: 3")
          .contains("entry: " + USER_1 + "\n")
          .contains("entry: " + DASHBOARD_1 + "\n");
      JsonObject limited =
          Cli.json(Cli.run(store, "dependents", "--limit", "1", "user:1", "--json"));
      assertThat(limited.get("total").getAsLong()).isEqualTo(3);
      assertThat(limited.getAsJsonArray("entries")).hasSize(1);
      assertThat(Cli.run(store, "dependents", "user:404").output()).contains("dependents: 0");

      CommandRun inspect = Cli.run(store, "inspect", USER_1);
      assertThat(inspect.exit()).as(inspect.output()).isZero();
      assertThat(inspect.output())
          .contains("class: com.example.fixtures.User\n")
          .contains("bytes: " + redis.strlen(RedisClusterStore.storedName(user1)) + "\n")
          .containsPattern("dependencies: user:1 \\(sequence [0-9]+\\)\n");

      JsonObject stats = awaitStats(store, app.pid);
      JsonObject user =
          stats
              .getAsJsonObject("fleet")
              .getAsJsonObject("methods")
              .getAsJsonObject("default")
              .getAsJsonObject(USER_METHOD);
      assertThat(user.get("hits").getAsLong()).isEqualTo(1);
      assertThat(user.get("misses").getAsLong()).isEqualTo(3);
      CommandRun text = Cli.run(store, "stats");
      assertThat(text.exit()).as(text.output()).isZero();
      assertThat(text.output())
          .contains(" pid " + app.pid + ", started ")
          .contains("fleet: 1 JVM(s)")
          .contains("    method " + USER_METHOD + ": hits 1, misses 3,");

      CommandRun invalidate = Cli.run(store, "invalidate", "user:1", "user:404");
      assertThat(invalidate.exit()).as(invalidate.output()).isZero();
      assertThat(invalidate.output()).isEqualTo("user:1: 3\nuser:404: 0\n");
      assertThat(exists(user1)).isFalse();
      assertThat(exists(dashboard1)).isFalse();
      assertThat(app.send("dashboard 1")).endsWith("computed=2"); // computed again
      awaitKey(dashboard1);

      CommandRun delete = Cli.run(store, "delete", DASHBOARD_1);
      assertThat(delete.exit()).as(delete.output()).isZero();
      assertThat(delete.output()).isEqualTo(DASHBOARD_1 + ": deleted\n");
      assertThat(exists(dashboard1)).isFalse();
      assertThat(exists(user1)).isTrue();

      List<String> entries = entries(prefix + ":default:e:");
      assertThat(entries).contains(user1).hasSizeGreaterThanOrEqualTo(3);
      CommandRun clear = Cli.run(store, "clear");
      assertThat(clear.exit()).as(clear.output()).isZero();
      assertThat(clear.output())
          .as(entries.toString())
          .isEqualTo("manager: default\nremoved: " + entries.size() + "\n");
      assertThat(keys(prefix + ":default:")).isEmpty();
      assertThat(keys(prefix + ":@stats:")).as("stats are no entries").hasSize(1);
    }
    // a JVM that stops takes its counters with it
    assertThat(keys(prefix + ":@stats:")).isEmpty();
    JsonObject after = Cli.json(Cli.run(store, "stats", "--json"));
    assertThat(after.getAsJsonObject("fleet").get("jvms").getAsInt()).isZero();
  }

  @Test
  void anUnreachableClusterExitsTwoWithinSecondsInOneLine() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    List<String> nowhere =
        List.of(
            "-Ddepcache.redis.cluster.nodes=127.0.0.1:" + port,
            "-Ddepcache.redis.url=redis://ops:s3cr3t@127.0.0.1:" + port,
            "-Ddepcache.redis.timeout-ms=2000");
    for (String[] command :
        new String[][] {
          {"invalidate", "user:1"},
          {"inspect", USER_1},
          {"stats"},
          {"dependents", "user:1"},
          {"clear"}
        }) {
      long started = System.nanoTime();
      CommandRun run = Cli.run(nowhere, command);
      long millis = (System.nanoTime() - started) / 1_000_000;
      assertThat(run.exit()).as(run.output()).isEqualTo(2);
      assertThat(millis).as("took " + millis + " ms").isLessThan(5_000);
      assertThat(run.output().strip().lines()).as(run.output()).hasSize(1);
      assertThat(run.output()).contains("127.0.0.1:" + port).doesNotContain("s3cr3t");
    }
  }

  private static List<String> agentAnd(List<String> store) {
    List<String> options = new ArrayList<>();
    options.add("-javaagent:" + ItSettings.agentJar());
    options.addAll(store);
    return options;
  }

  /** Polls {@code stats --json} until the JVM published one hit of user(long). */
  private static JsonObject awaitStats(List<String> store, long pid) throws Exception {
    long deadline = System.nanoTime() + 40_000_000_000L;
    while (true) {
      CommandRun run = Cli.run(store, "stats", "--json");
      assertThat(run.exit()).as(run.output()).isZero();
      JsonObject document = Cli.json(run);
      JsonObject methods =
          document.getAsJsonObject("fleet").getAsJsonObject("methods").getAsJsonObject("default");
      if (document.getAsJsonObject("fleet").get("jvms").getAsInt() == 1
          && document.getAsJsonArray("jvms").get(0).getAsJsonObject().get("pid").getAsLong() == pid
          && methods != null
          && methods.has(USER_METHOD)
          && methods.getAsJsonObject(USER_METHOD).get("hits").getAsLong() == 1) {
        return document;
      }
      assertThat(System.nanoTime()).as("stats published: " + run.output()).isLessThan(deadline);
      Thread.sleep(1000);
    }
  }

  private boolean exists(String key) {
    return redis.exists(RedisClusterStore.storedName(key));
  }

  private void awaitKey(String key) throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (!exists(key)) {
      assertThat(System.nanoTime()).as(key + " written").isLessThan(deadline);
      Thread.sleep(5);
    }
  }

  /**
   * The entries among {@link #keys}: an entry's fence or lease is no entry, its name holds a \0.
   */
  private List<String> entries(String start) {
    return keys(start).stream().filter(k -> !k.contains("\u0000")).toList();
  }

  /** Every key of the cluster that starts with {@code start}, tag left off. */
  private List<String> keys(String start) {
    List<String> found = new ArrayList<>();
    ScanParams params = new ScanParams().match("{????}" + start + "*").count(500);
    for (int port : cluster.primaries()) {
      try (Jedis node = new Jedis("127.0.0.1", port)) {
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
          ScanResult<String> page = node.scan(cursor, params);
          page.getResult().forEach(key -> found.add(key.substring(6)));
          cursor = page.getCursor();
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
      }
    }
    return found;
  }
}
