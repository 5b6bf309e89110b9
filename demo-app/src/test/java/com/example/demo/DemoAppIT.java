package com.example.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.demo.DemoProcess.Answer;
import io.depcache.testing.TestRedis;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The demo service as {@code scripts/demo.sh} runs it: its own JVM with {@code -javaagent:} on the
 * packaged agent, a real Redis, HTTP requests. It checks what the demo shows (hits, misses, nested
 * invalidation, fresh data after updates), never how long anything took.
 */
class DemoAppIT {
  private static List<String> withAgent(String prefix) {
    return List.of(
        "-javaagent:" + DemoProcess.agentJar() + "=config=" + DemoProcess.configFile(),
        "-Ddepcache.redis.url=" + TestRedis.url(),
        "-Ddepcache.prefix=" + prefix);
  }

  private static String prefix() {
    return "demo-it-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /**
   * Waits until the service has stored {@code sets} entries: an asynchronous call's value is
   * written behind its caller, and a lookup before the write joins the computation as a miss.
   */
  private static void awaitSets(DemoProcess demo, int sets) throws Exception {
    String expected = "\"sets\":" + sets + ",";
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    String stats = demo.get("/stats").body();
    while (!stats.contains(expected) && System.nanoTime() < deadline) {
      Thread.sleep(10);
      stats = demo.get("/stats").body();
    }
    assertThat(stats).contains(expected);
  }

  @Test
  void aSecondReadIsAHitThatRunsNoQuery() throws Exception {
    try (DemoProcess demo = DemoProcess.start(withAgent(prefix()))) {
      Answer first = demo.get("/users/42");
      Answer second = demo.get("/users/42");

      assertThat(first)
          .extracting(Answer::status, Answer::cache, Answer::queries)
          .containsExactly(200, "miss", 1);
      assertThat(second)
          .extracting(Answer::cache, Answer::hits, Answer::misses, Answer::queries)
          .containsExactly("hit", 1, 0, 0);
      assertThat(second.body()).isEqualTo(first.body()).contains("\"name\":\"Ada Lovelace\"");
      assertThat(demo.log()).contains("depcache agent installed");
    }
  }

  @Test
  void theDashboardIsBuiltFromNestedCachedCalls() throws Exception {
    try (DemoProcess demo = DemoProcess.start(withAgent(prefix()))) {
      demo.get("/users/42");

      Answer first = demo.get("/teams/7/dashboard");
      Answer second = demo.get("/teams/7/dashboard");

      // the dashboard, the team (TeamDirectory, cached by the properties file), users 43 and 44
      // and three post lists miss; user 42 hits
      assertThat(first)
          .extracting(Answer::cache, Answer::hits, Answer::misses, Answer::queries)
          .containsExactly("miss", 1, 7, 6);
      assertThat(second)
          .extracting(Answer::cache, Answer::hits, Answer::misses, Answer::queries)
          .containsExactly("hit", 1, 0, 0);
      assertThat(second.body()).isEqualTo(first.body()).contains("Ada Lovelace", "Grace Hopper");
    }
  }

  @Test
  void renamingAUserInvalidatesItAndEveryDashboardBuiltFromIt() throws Exception {
    try (DemoProcess demo = DemoProcess.start(withAgent(prefix()))) {
      demo.get("/users/42");
      demo.get("/teams/7/dashboard"); // user 42 is a hit inside: the dashboard still depends on it
      demo.get("/teams/8/dashboard");
      assertThat(demo.get("/teams/7/dashboard").cache()).isEqualTo("hit");

      Answer rename = demo.send("PUT", "/users/42?name=Ada%20King");
      Answer user = demo.get("/users/42");
      Answer dashboard = demo.get("/teams/7/dashboard");

      assertThat(rename).extracting(Answer::status, Answer::cache).containsExactly(200, "none");
      assertThat(user.cache()).isEqualTo("miss");
      assertThat(user.body()).contains("\"name\":\"Ada King\"");
      assertThat(dashboard.cache()).isEqualTo("miss");
      assertThat(dashboard.body()).contains("Ada King").doesNotContain("Ada Lovelace");
      assertThat(demo.get("/teams/7/dashboard").cache()).isEqualTo("hit");
      // a team without user 42 keeps its entry
      assertThat(demo.get("/teams/8/dashboard").cache()).isEqualTo("hit");
    }
  }

  @Test
  void aNewPostInvalidatesThePostListAndTheDashboard() throws Exception {
    try (DemoProcess demo = DemoProcess.start(withAgent(prefix()))) {
      demo.get("/users/43/posts");
      demo.get("/teams/7/dashboard");
      assertThat(demo.get("/users/43/posts").cache()).isEqualTo("hit");

      Answer post = demo.send("POST", "/users/43/posts?title=Moth%20found");
      Answer posts = demo.get("/users/43/posts");
      Answer dashboard = demo.get("/teams/7/dashboard");

      assertThat(post.status()).isEqualTo(200);
      assertThat(posts.cache()).isEqualTo("miss");
      assertThat(posts.body()).contains("The first compiler", "Moth found");
      assertThat(dashboard.cache()).isEqualTo("miss");
      assertThat(dashboard.body()).contains("\"posts\":3,\"latestPost\":\"Moth found\"");
    }
  }

  @Test
  void theAsynchronousProfileIsCachedByItsCompletedValue() throws Exception {
    try (DemoProcess demo = DemoProcess.start(withAgent(prefix()))) {
      Answer first = demo.get("/users/42/profile");
      awaitSets(demo, 1);
      Answer second = demo.get("/users/42/profile");
      Answer missing = demo.get("/users/99/profile");
      Answer missingAgain = demo.get("/users/99/profile");

      // one lookup on the request's thread; the user and the posts queried on the executor's
      assertThat(first)
          .extracting(Answer::status, Answer::cache, Answer::hits, Answer::misses, Answer::queries)
          .containsExactly(200, "miss", 0, 1, 2);
      assertThat(first.body()).contains("Ada Lovelace", "Notes on the Analytical Engine");
      assertThat(second)
          .extracting(Answer::cache, Answer::hits, Answer::misses, Answer::queries)
          .containsExactly("hit", 1, 0, 0);
      assertThat(second.body()).isEqualTo(first.body());
      // a future that failed is not cached
      assertThat(missing).extracting(Answer::status, Answer::cache).containsExactly(404, "miss");
      assertThat(missingAgain)
          .extracting(Answer::status, Answer::cache, Answer::queries)
          .containsExactly(404, "miss", 2);
    }
  }

  @Test
  void theAsynchronousProfileGoesWithTheUserAndWithAPostDeclaredOnAnotherThread() throws Exception {
    try (DemoProcess demo = DemoProcess.start(withAgent(prefix()))) {
      demo.get("/users/42/profile");
      awaitSets(demo, 1);
      assertThat(demo.get("/users/42/profile").cache()).isEqualTo("hit");

      demo.send("PUT", "/users/42?name=Ada%20King");
      Answer renamed = demo.get("/users/42/profile");
      awaitSets(demo, 2);
      assertThat(demo.get("/users/42/profile").cache()).isEqualTo("hit");
      // posts:42 is declared by the posts query, on the executor's thread, through CallContext
      demo.send("POST", "/users/42/posts?title=Bernoulli");
      Answer posted = demo.get("/users/42/profile");

      assertThat(renamed)
          .extracting(Answer::cache, Answer::hits, Answer::misses, Answer::queries)
          .containsExactly("miss", 0, 1, 2);
      assertThat(renamed.body()).contains("Ada King").doesNotContain("Ada Lovelace");
      assertThat(posted)
          .extracting(Answer::cache, Answer::hits, Answer::misses, Answer::queries)
          .containsExactly("miss", 0, 1, 2);
      assertThat(posted.body()).contains("Ada King", "Notes on the Analytical Engine", "Bernoulli");
    }
  }

  @Test
  void aLegacyClassIsCachedAndInvalidatedByThePropertiesFileAlone() throws Exception {
    try (DemoProcess demo = DemoProcess.start(withAgent(prefix()))) {
      Answer first = demo.get("/teams/7");
      Answer second = demo.get("/teams/7");
      demo.get("/teams/7/dashboard");
      demo.get("/teams/8/dashboard");

      Answer rename = demo.send("PUT", "/teams/7?name=Compiler%20Team");
      Answer team = demo.get("/teams/7");
      Answer dashboard = demo.get("/teams/7/dashboard");

      assertThat(first)
          .extracting(Answer::cache, Answer::hits, Answer::misses, Answer::queries)
          .containsExactly("miss", 0, 1, 1);
      assertThat(second)
          .extracting(Answer::cache, Answer::hits, Answer::misses, Answer::queries)
          .containsExactly("hit", 1, 0, 0);
      assertThat(rename).extracting(Answer::status, Answer::cache).containsExactly(200, "none");
      assertThat(team.cache()).isEqualTo("miss");
      assertThat(team.body()).contains("\"name\":\"Compiler Team\"");
      // the dashboard entry went with team:7; the team (read again above) and the six member
      // lookups hit, so no query runs
      assertThat(dashboard)
          .extracting(Answer::cache, Answer::hits, Answer::misses, Answer::queries)
          .containsExactly("miss", 7, 1, 0);
      assertThat(dashboard.body()).contains("\"team\":\"Compiler Team\"");
      assertThat(demo.get("/teams/8/dashboard").cache()).isEqualTo("hit");
      assertThat(demo.log()).contains("1 target rule(s), 1 invalidation rule(s)");
    }
  }

  @Test
  void statsCountWhatTheRequestsDid() throws Exception {
    try (DemoProcess demo = DemoProcess.start(withAgent(prefix()))) {
      demo.get("/users/42");
      demo.get("/users/42");
      demo.send("PUT", "/users/42?name=Ada%20King");

      assertThat(demo.get("/stats").body())
          .contains("\"hits\":1,\"misses\":1,\"sets\":1,\"invalidations\":1,\"errors\":0");
    }
  }

  @Test
  void twoInstancesShareTheirEntriesThroughRedis() throws Exception {
    String prefix = prefix();
    try (DemoProcess a = DemoProcess.start(withAgent(prefix));
        DemoProcess b = DemoProcess.start(withAgent(prefix))) {
      assertThat(a.get("/users/44").cache()).isEqualTo("miss");
      Answer fromB = b.get("/users/44");

      assertThat(fromB).extracting(Answer::cache, Answer::queries).containsExactly("hit", 0);
      assertThat(fromB.body()).contains("Alan Turing");
    }
  }

  @Test
  void withoutTheAgentEveryReadRunsItsQuery() throws Exception {
    try (DemoProcess demo = DemoProcess.start(List.of())) {
      Answer first = demo.get("/users/42");
      Answer second = demo.get("/users/42");

      assertThat(first).extracting(Answer::cache, Answer::queries).containsExactly("none", 1);
      assertThat(second).extracting(Answer::cache, Answer::queries).containsExactly("none", 1);
      assertThat(demo.log()).contains("agent active: false");
    }
  }
}
