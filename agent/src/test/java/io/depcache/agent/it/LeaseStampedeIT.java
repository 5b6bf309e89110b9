package io.depcache.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.depcache.testing.TestRedis;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A stampede: 16 threads in each of 3 JVMs miss on one key at the same instant. Single flight
 * leaves one computation per JVM; the lease leaves one in all.
 */
class LeaseStampedeIT {
  private static final int JVMS = 3;
  private static final int THREADS = 16;

  /** What the JVMs of the last stampede printed, for the failure message. */
  private static final StringBuilder logs = new StringBuilder();

  private static int stampede(boolean lease) throws Exception {
    String prefix = "lease" + UUID.randomUUID().toString().substring(0, 8);
    List<String> jvm =
        List.of(
            "-javaagent:" + ItSettings.agentJar(),
            "-Ddepcache.redis.url=" + TestRedis.url(),
            "-Ddepcache.prefix=" + prefix,
            "-Ddepcache.lease.enabled=" + lease,
            "-Ddepcache.lease.wait-ms=5000",
            // The lease is under test, not the timeout: a store failure counts as the lease taken
            // (by design), so on a loaded machine a lease command slower than the default 200 ms
            // would be a second computation for a reason this test does not look at.
            "-Ddepcache.redis.timeout-ms=2000");
    List<AppProcess> apps = new ArrayList<>();
    try {
      for (int i = 0; i < JVMS; i++) {
        apps.add(AppProcess.start(System.getProperty("java.home"), jvm, List.of()));
      }
      for (AppProcess app : apps) {
        assertThat(app.send("active")).isEqualTo("true");
      }
      long startAt = System.currentTimeMillis() + 1500;
      for (AppProcess app : apps) {
        app.ask("stampede " + startAt + " " + THREADS + " 1");
      }
      int computed = 0;
      for (AppProcess app : apps) {
        String answer = app.next();
        assertThat(answer).startsWith("computed=");
        computed += Integer.parseInt(answer.substring("computed=".length()));
      }
      return computed;
    } finally {
      logs.setLength(0);
      for (AppProcess app : apps) {
        app.close();
        logs.append(app.log());
      }
    }
  }

  @Test
  void aLeaseLetsOneJvmComputeForAll() throws Exception {
    int without = stampede(false);
    int with = stampede(true);
    String withLogs = logs.toString();
    System.out.printf(
        "stampede of %d threads in each of %d JVMs: %d computations without lease, %d with%n",
        THREADS, JVMS, without, with);
    assertThat(without).as("single flight: at most one computation per JVM").isBetween(1, JVMS);
    assertThat(with)
        .as("with the lease: one computation in all; the JVMs printed:%n%s", withLogs)
        .isEqualTo(1);
  }
}
