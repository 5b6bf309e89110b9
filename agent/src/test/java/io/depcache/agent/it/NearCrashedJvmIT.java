package io.depcache.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.depcache.testing.TestRedis;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/**
 * A JVM with the near cache on is killed ({@code SIGKILL}: it never leaves the registry): the other
 * JVM's first invalidation of a dependency it held near waits for it at most the window (1 s),
 * drops it, and the following ones do not wait for it; an invalidation of a dependency it never
 * held (not in its hold filter) does not wait for it at all.
 */
class NearCrashedJvmIT {
  @Test
  void onlyTheFirstInvalidationWaitsForAKilledJvm() throws Exception {
    String prefix = "crash" + UUID.randomUUID().toString().substring(0, 8);
    List<String> arguments =
        List.of(
            "-javaagent:" + ItSettings.agentJar(),
            "-Ddepcache.redis.url=" + TestRedis.url(),
            "-Ddepcache.prefix=" + prefix,
            "-Ddepcache.near-cache.enabled=true");
    String home = System.getProperty("java.home");
    String registry = prefix + ":@near:jvms";
    try (RedisClient admin = RedisClient.create(TestRedis.url());
        AppProcess survivor = AppProcess.start(home, arguments, List.of());
        AppProcess victim = AppProcess.start(home, arguments, List.of())) {
      assertThat(survivor.send("user 1")).isEqualTo("user1 computed=1");
      assertThat(victim.send("user 1")).startsWith("user1 computed=");
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (admin.zcard(registry) < 2 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertThat(admin.zcard(registry)).as("both JVMs registered").isEqualTo(2);
      // invalidations while both live are answered at once, once both have warmed up (the first
      // ones load classes and scripts, slow on a busy machine)
      long live = Long.MAX_VALUE;
      for (int i = 0; i < 20 && live >= 200; i++) {
        live = millis(survivor, "invalidate user:1");
      }
      assertThat(admin.zcard(registry)).as("both JVMs still registered").isEqualTo(2);
      // the victim holds user 1 near (computed again after the invalidations above, then hit)
      assertThat(victim.send("user 1")).startsWith("user1 computed=");
      assertThat(victim.send("user 1")).startsWith("user1 computed=");

      Faults.signal("KILL", victim.pid);
      Thread.sleep(50);

      long neverHeld = millis(survivor, "invalidate user:7");
      long registeredThen = admin.zcard(registry);
      long first = millis(survivor, "invalidate user:1");
      List<Long> next = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        next.add(millis(survivor, "invalidate user:" + (i % 2)));
      }
      long slowest = next.stream().mapToLong(Long::longValue).max().orElseThrow();
      System.out.println(
          "[NearCrashedJvm] invalidation with both alive "
              + live
              + " ms; after SIGKILL: of a dependency it never held "
              + neverHeld
              + " ms, the first of one it held "
              + first
              + " ms, the next 10 "
              + next
              + " ms");
      assertThat(live).isLessThan(200L);
      assertThat(neverHeld).as("not waited for: user:7 is not in its hold filter").isLessThan(500L);
      assertThat(registeredThen).as("not dropped by it either").isEqualTo(2);
      assertThat(first)
          .as("the first waits for the killed JVM, at most the window")
          .isBetween(800L, 1_500L);
      assertThat(slowest).as("the following ones do not wait for it").isLessThan(500L);
      assertThat(admin.zcard(registry)).as("the killed JVM was dropped").isEqualTo(1);
      // the survivor still caches and serves
      assertThat(survivor.send("user 1")).startsWith("user1 computed=");
    }
  }

  private static long millis(AppProcess app, String command) throws Exception {
    long started = System.nanoTime();
    String answer = app.send(command);
    long millis = (System.nanoTime() - started) / 1_000_000;
    assertThat(answer).as(command).matches("\\d+");
    return millis;
  }
}
