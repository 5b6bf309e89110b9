package io.depcache.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.depcache.testing.TestRedis;
import java.io.File;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The randomized stale-read checker of the consistency issue: two JVMs with the agent read
 * versioned rows through nested cached calls while a writer in each raises versions and invalidates
 * them; no read that started after an invalidation returned may see a version older than the
 * invalidated one. The rows live in Redis (outside depcache's prefix), so both JVMs share them.
 * Runs on the JDK running the tests only, to keep the build short.
 */
class StaleReadCheckerIT {
  private static final int JVMS = 2;
  private static final int READERS_PER_JVM = 4;
  private static final int READS_PER_READER = 12_500;
  private static final int WRITES_PER_JVM = 4_000;
  private static final int ROWS = 20;

  /** A pause after each row read of a miss: a window in which invalidations overtake it. */
  private static final int MAX_PAUSE_MICROS = 2_000;

  private static final long DEADLINE_SECONDS = 240;

  @Test
  void noReadThatStartsAfterAnInvalidationReturnsAnOlderVersion(
      @TempDir(cleanup = CleanupMode.ON_SUCCESS) Path dir) throws Exception {
    String id = UUID.randomUUID().toString().substring(0, 8);
    String redis = TestRedis.url();
    List<String> jvm = new ArrayList<>();
    jvm.add("-javaagent:" + ItSettings.agentJar());
    jvm.addAll(store(redis));
    jvm.add("-Ddepcache.prefix=checker" + id);
    // a slow answer under load must not turn into a bypassed (so unchecked) operation
    jvm.add("-Ddepcache.redis.timeout-ms=5000");
    String namespace = "checkerdb:" + id + ":";
    List<AppProcess> apps = new ArrayList<>();
    List<Path> logs = new ArrayList<>();
    List<String> figures = new ArrayList<>();
    try {
      for (int i = 0; i < JVMS; i++) {
        apps.add(
            AppProcess.start(
                System.getProperty("java.home"),
                jvm,
                applicationJedis(),
                "com.example.checker.CheckerApp"));
      }
      for (int i = 0; i < JVMS; i++) {
        Path log = dir.resolve("jvm" + i + ".log");
        logs.add(log);
        String started =
            apps.get(i)
                .send(
                    String.join(
                        " ",
                        "start",
                        redis,
                        namespace,
                        Integer.toString(READERS_PER_JVM),
                        Integer.toString(READS_PER_READER),
                        Integer.toString(WRITES_PER_JVM),
                        Integer.toString(ROWS),
                        Integer.toString(MAX_PAUSE_MICROS),
                        log.toString()));
        assertThat(started).isEqualTo("started");
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(DEADLINE_SECONDS);
      try (AutoCloseable fault = fault(redis, apps)) {
        for (AppProcess app : apps) {
          figures.add(awaitDone(app, deadline));
        }
      }
    } finally {
      for (AppProcess app : apps) {
        app.close();
      }
    }

    StaleReads checker = new StaleReads();
    for (Path log : logs) {
      checker.add(log);
    }
    StaleReads.Verdict verdict = checker.check();
    System.out.println("[StaleReadChecker] per JVM: " + figures);
    System.out.println(
        "[StaleReadChecker] operations="
            + (verdict.reads() + verdict.writes())
            + " reads="
            + verdict.reads()
            + " writes="
            + verdict.writes()
            + " readsChecked="
            + verdict.reads()
            + " rowObservations="
            + verdict.observations()
            + " constrainedByAnEarlierWrite="
            + verdict.constrained()
            + " racingAWrite="
            + verdict.racing()
            + " staleReads="
            + verdict.stale());
    verdict.examples().forEach(e -> System.out.println("[StaleReadChecker] stale: " + e));
    if (verdict.stale() > 0) {
      System.out.println("[StaleReadChecker] the logs stay in " + dir);
    }

    assertThat(verdict.reads()).isEqualTo((long) JVMS * READERS_PER_JVM * READS_PER_READER);
    assertThat(verdict.reads()).isGreaterThanOrEqualTo(100_000);
    assertThat(verdict.writes()).isEqualTo((long) JVMS * WRITES_PER_JVM);
    for (String jvmFigures : figures) {
      // the cache was really in the way: hits and misses, and no Redis errors bypassing it
      assertThat(jvmFigures).doesNotContain("hits=0 ", "misses=0 ").contains("errors=0");
      if (store(redis).contains("-Ddepcache.near-cache.enabled=true")) {
        assertThat(jvmFigures).as("near hits in every JVM").doesNotContain("nearHits=0");
      }
    }
    assertThat(verdict.racing()).as("reads that raced a write to their row").isPositive();
    assertThat(verdict.examples()).isEmpty();
    assertThat(verdict.stale()).isZero();
  }

  /**
   * The agent's store settings: the Redis that also holds the rows, unless a subclass names
   * another.
   */
  List<String> store(String rowsRedis) {
    return List.of("-Ddepcache.redis.url=" + rowsRedis);
  }

  /**
   * A fault that runs while the JVMs read and write, until closed (which also checks that it did
   * its work); none unless a subclass makes one.
   *
   * @param redis the Redis of the rows (and of the agents' store unless {@link #store} says
   *     otherwise)
   * @param apps the checker's JVMs, running
   */
  AutoCloseable fault(String redis, List<AppProcess> apps) throws Exception {
    return () -> {};
  }

  private static String awaitDone(AppProcess app, long deadline) throws Exception {
    while (true) {
      String status = app.send("status");
      if (status.startsWith("done ")) {
        return status.substring("done ".length());
      }
      if (!status.startsWith("running ")) {
        throw new AssertionError("the checker app failed: " + status + "\n" + app.log());
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the checker app is still " + status + "\n" + app.log());
      }
      Thread.sleep(250);
    }
  }

  /** The application's own Jedis (the one of the test class path) and what it needs. */
  private static List<String> applicationJedis() throws URISyntaxException {
    List<String> jars = new ArrayList<>();
    for (Class<?> type :
        List.of(
            redis.clients.jedis.RedisClient.class,
            org.apache.commons.pool2.impl.GenericObjectPool.class,
            org.json.JSONObject.class,
            com.google.gson.Gson.class,
            redis.clients.authentication.core.TokenAuthConfig.class,
            org.slf4j.LoggerFactory.class)) {
      jars.add(
          new File(type.getProtectionDomain().getCodeSource().getLocation().toURI()).getPath());
    }
    return jars;
  }
}
