package io.depcache.layouts;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every layout must do, counted in method-body executions ({@code runs=<team>/<user>}): hit
 * after miss, dependencies declared in the body and by template, inherited through nested calls on
 * the same object (hit or miss), {@code manager().invalidateDependency}, {@code @Invalidates},
 * events through the manager, {@code isAgentActive()}, and an invalidation of more dependents than
 * one script drains (the agent reads the set in pages).
 */
final class Scenario {
  /** One command, one answer: standard input or HTTP. */
  interface Channel {
    String send(String command) throws Exception;
  }

  private Scenario() {}

  static void run(Channel app) throws Exception {
    assertThat(app.send("active")).isEqualTo("true");
    assertThat(app.send("manager")).isEqualTo("default live");
    assertThat(app.send("reset")).isEqualTo("ok");
    assertThat(app.send("user 1")).isEqualTo("user1 runs=1");
    assertThat(app.send("user 1")).isEqualTo("user1 runs=1");
    assertThat(app.send("team 1")).isEqualTo("team1[user1,user2] runs=1/2");
    assertThat(app.send("team 1")).isEqualTo("team1[user1,user2] runs=1/2");
    // user:2 came from a nested miss, user:1 from a nested hit: the team depends on both
    assertThat(app.send("invalidate user:2")).isEqualTo("2");
    assertThat(app.send("team 1")).isEqualTo("team1[user1,user2] runs=2/3");
    assertThat(app.send("invalidate user:1")).isEqualTo("2");
    assertThat(app.send("team 1")).isEqualTo("team1[user1,user2] runs=3/4");
    // the template dependency team:{0}
    assertThat(app.send("invalidate team:1")).isEqualTo("1");
    assertThat(app.send("team 1")).isEqualTo("team1[user1,user2] runs=4/4");
    // @Invalidates("user:{0}")
    assertThat(app.send("rename 1 Ada")).isEqualTo("ok");
    assertThat(app.send("user 1")).isEqualTo("Ada runs=5");
    assertThat(app.send("team 1")).isEqualTo("team1[Ada,user2] runs=5/5");
    // the manager's own operations and events, through this layout's copy of the API
    assertThat(app.send("listen")).isEqualTo("ok");
    assertThat(app.send("user 1")).isEqualTo("Ada runs=5");
    assertThat(app.send("stats")).isEqualTo("hits=1 misses=0");
    assertThat(app.send("set greeting hello")).isEqualTo("ok");
    assertThat(app.send("get greeting")).isEqualTo("hello");
    assertThat(app.send("key a")).isEqualTo("com.example.layout.Shop#keyOf(\"a\")");
    // 1,500 dependents of one dependency: more than a script drains, read by the agent in pages
    assertThat(app.send("items 1500")).isEqualTo("runs=1500");
    assertThat(app.send("items 1500")).isEqualTo("runs=1500");
    assertThat(app.send("invalidate catalog")).isEqualTo("1500");
    assertThat(app.send("items 1500")).isEqualTo("runs=3000");
  }

  /**
   * With {@code near-cache.enabled=true}: a repeated hit is a near hit (counted in the manager's
   * events), and an invalidation removes the near entry as well as Redis'.
   */
  static void near(Channel app) throws Exception {
    assertThat(app.send("listen")).isEqualTo("ok");
    assertThat(app.send("reset")).isEqualTo("ok");
    assertThat(app.send("user 9")).isEqualTo("user9 runs=1");
    long before = Long.parseLong(app.send("nearhits"));
    for (int i = 0; i < 3; i++) {
      assertThat(app.send("user 9")).isEqualTo("user9 runs=1");
    }
    assertThat(Long.parseLong(app.send("nearhits")) - before).as("near hits").isBetween(1L, 3L);
    assertThat(app.send("invalidate user:9")).isEqualTo("1");
    assertThat(app.send("user 9")).isEqualTo("user9 runs=2");
    assertThat(app.send("user 9")).isEqualTo("user9 runs=2");
  }
}
