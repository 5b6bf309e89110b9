package io.depcache.layouts;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every layout must do, counted in method-body executions ({@code runs=<team>/<user>}): hit
 * after miss, dependencies declared in the body and by template, inherited through nested calls on
 * the same object (hit or miss), {@code manager().invalidateDependency}, {@code @Invalidates},
 * events through the manager, and {@code isAgentActive()}.
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
  }
}
