package io.depcache.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.depcache.testing.TestRedis;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Caching code that has no depcache annotation and no depcache dependency ({@code
 * com.example.legacy}), only a properties file, in a JVM started with {@code -javaagent:}.
 */
class ConfigTargetsIT {
  @TempDir Path dir;

  static Stream<String> javaHomes() {
    return ItSettings.javaHomes().stream();
  }

  private AppProcess start(String javaHome, String properties) throws Exception {
    Path file = dir.resolve("depcache-" + UUID.randomUUID() + ".properties");
    Files.writeString(file, properties, StandardCharsets.UTF_8);
    return AppProcess.start(
        javaHome,
        List.of(
            "-javaagent:" + ItSettings.agentJar() + "=config=" + file,
            "-Ddepcache.redis.url=" + TestRedis.url(),
            "-Ddepcache.prefix=it" + UUID.randomUUID().toString().substring(0, 8)),
        List.of());
  }

  @ParameterizedTest
  @MethodSource("javaHomes")
  void aLegacyClassIsCachedAndInvalidatedByThePropertiesFileAlone(String javaHome)
      throws Exception {
    String rules =
        """
        # the legacy DAO cannot be annotated
        depcache.target.users.method=com.example.legacy.UserDao#find*(..)
        depcache.target.users.dependencies=legacy-user:{0}
        depcache.invalidate.rename.method=com.example.legacy.UserDao#rename(long, java.lang.String)
        depcache.invalidate.rename.dependencies=legacy-user:{0}
        depcache.invalidate.create.method=com.example.legacy.UserDao#create
        depcache.invalidate.create.dependencies=legacy-user:{result.id}
        """;
    try (AppProcess app = start(javaHome, rules)) {
      assertThat(app.send("legacy-find 1")).isEqualTo("user1 computed=1");
      assertThat(app.send("legacy-find 1")).isEqualTo("user1 computed=1");
      assertThat(app.send("legacy-rename 1 ann")).isEqualTo("ok");
      assertThat(app.send("legacy-find 1")).isEqualTo("ann computed=2");
      // a rename that throws invalidates nothing
      assertThat(app.send("legacy-rename 1")).startsWith("error");
      assertThat(app.send("legacy-find 1")).isEqualTo("ann computed=2");
      // {result.id}: the id create() returns
      assertThat(app.send("legacy-find 1001")).isEqualTo("user1001 computed=3");
      assertThat(app.send("legacy-create zoe")).isEqualTo("1001");
      assertThat(app.send("legacy-find 1001")).isEqualTo("zoe computed=4");
      assertThat(app.log()).contains("2 invalidation rule(s)");
      String stats = app.send("match-stats");
      System.out.println("[start-up matching, " + javaHome + "] " + stats);
      assertThat(stats)
          .matches(
              "classes=\\d+ passed=\\d+ read=\\d+ readMs=\\d+ filterMs=\\d+ types=\\d+ supertypes=\\d+ ms=\\d+");
    }
  }

  @ParameterizedTest
  @MethodSource("javaHomes")
  void aPatternThatDoesNotParseStopsTheAgentNotTheApplication(String javaHome) throws Exception {
    String rules =
        """
        depcache.target.users.method=com.example.legacy.UserDao#find*(..)
        depcache.target.broken.method=com.example.legacy.UserDao#find(int
        """;
    try (AppProcess app = start(javaHome, rules)) {
      assertThat(app.send("active")).isEqualTo("false");
      assertThat(app.send("legacy-find 2")).isEqualTo("user2 computed=1");
      assertThat(app.send("legacy-find 2")).isEqualTo("user2 computed=2");
      assertThat(app.log())
          .contains("depcache agent not installed")
          .contains("depcache.target.broken.method must be a method pattern")
          .contains("the parameter list must end with")
          .contains("line 2)");
    }
  }

  @ParameterizedTest
  @MethodSource("javaHomes")
  void aTemplateNamingAMissingArgumentLeavesThatMethodUncachedAndSaysWhere(String javaHome)
      throws Exception {
    String rules =
        """
        depcache.target.users.method=com.example.legacy.UserDao#findUser(long)
        depcache.target.audit.method=com.example.legacy.UserDao#audit(long)
        depcache.target.audit.dependencies=audit:{1}
        """;
    try (AppProcess app = start(javaHome, rules)) {
      assertThat(app.send("legacy-audit 1")).isEqualTo("audit1 computed=1");
      assertThat(app.send("legacy-audit 1")).isEqualTo("audit1 computed=2");
      assertThat(app.send("legacy-find 3")).isEqualTo("user3 computed=1");
      assertThat(app.send("legacy-find 3")).isEqualTo("user3 computed=1");
      assertThat(app.log())
          .contains("depcache.target.audit (file ")
          .contains("line 2) on com.example.legacy.UserDao#audit(long)")
          .contains("template 'audit:{1}' refers to argument 1 but the method has 1 parameter");
    }
  }
}
