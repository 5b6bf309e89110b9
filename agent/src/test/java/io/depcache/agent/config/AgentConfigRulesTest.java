package io.depcache.agent.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentConfigRulesTest {
  @TempDir Path dir;

  private Path file(String text) throws Exception {
    Path path = dir.resolve("rules.properties");
    Files.writeString(path, text);
    return path;
  }

  private List<String> problems(Path file) {
    try {
      AgentConfig.load("config=" + file, Map.of(), Map.of());
    } catch (ConfigException e) {
      return e.problems();
    }
    throw new AssertionError("expected a ConfigException");
  }

  @Test
  void targetRuleCarriesEveryKeyAndWhereItsMethodWasSet() throws Exception {
    Path file =
        file(
            "depcache.target.profile.ttl=0\n"
                + "depcache.target.profile.method=com.example.UserService#getProfile(java.lang.String)\n"
                + "depcache.target.profile.dependencies=user:{0}, tenant:{1.id}\n"
                + "depcache.target.profile.key=profile:{0}\n"
                + "depcache.target.profile.manager=reports\n"
                + "depcache.target.profile.cache-exceptions=java.io.IOException,"
                + "com.example.Missing$Inner\n"
                + "depcache.target.profile.cache-nulls=FALSE\n"
                + "depcache.target.a.b.method=com.example.**#load()\n");

    AgentConfig config = AgentConfig.load("config=" + file, Map.of(), Map.of());

    assertThat(config.targets())
        .containsExactly(
            new TargetRule(
                "a.b",
                "com.example.**#load()",
                null,
                List.of(),
                null,
                null,
                List.of(),
                null,
                "file " + file + ", line 8"),
            new TargetRule(
                "profile",
                "com.example.UserService#getProfile(java.lang.String)",
                0L,
                List.of("user:{0}", "tenant:{1.id}"),
                "profile:{0}",
                "reports",
                List.of("java.io.IOException", "com.example.Missing$Inner"),
                false,
                "file " + file + ", line 2"));
  }

  @Test
  void targetTtlMinusOneMeansTheManagersDefault() throws Exception {
    Map<String, String> sys =
        Map.of(
            "depcache.target.t.method", "com.example.legacy.*Dao#find*(..)",
            "depcache.target.t.ttl", "-1");

    TargetRule rule = AgentConfig.load(null, sys, Map.of()).targets().get(0);

    assertThat(rule.ttl()).isEqualTo(-1L);
    assertThat(rule.source()).isEqualTo("system property -Ddepcache.target.t.method");
  }

  @Test
  void invalidationRuleNeedsMethodAndDependencies() throws Exception {
    Path file =
        file(
            "depcache.invalidate.save.method=com.example.UserService#save(..)\n"
                + "depcache.invalidate.save.dependencies=user:{0.id},user:{result.id}\n"
                + "depcache.invalidate.save.manager=reports\n");

    AgentConfig config = AgentConfig.load("config=" + file, Map.of(), Map.of());

    assertThat(config.invalidations())
        .containsExactly(
            new InvalidationRule(
                "save",
                "com.example.UserService#save(..)",
                List.of("user:{0.id}", "user:{result.id}"),
                "reports",
                "file " + file + ", line 1"));
  }

  @Test
  void missingRequiredRuleKeysAreProblems() throws Exception {
    Path file =
        file(
            "depcache.target.orphan.ttl=60\n"
                + "depcache.invalidate.half.method=com.example.A#b()\n"
                + "depcache.invalidate.other.dependencies=x\n");

    assertThat(problems(file))
        .containsExactlyInAnyOrder(
            "depcache.target.orphan.method is required when other depcache.target.orphan.* keys"
                + " are set (file "
                + file
                + ", line 1)",
            "depcache.invalidate.half.dependencies is required when other"
                + " depcache.invalidate.half.* keys are set (file "
                + file
                + ", line 2)",
            "depcache.invalidate.other.method is required when other depcache.invalidate.other.*"
                + " keys are set (file "
                + file
                + ", line 3)");
  }

  @Test
  void malformedMethodPatternsAreProblems() throws Exception {
    Path file =
        file(
            "depcache.target.a.method=com.example.UserService.getProfile\n"
                + "depcache.target.b.method=com.example.A#b(int\n"
                + "depcache.invalidate.c.method=#save\n"
                + "depcache.invalidate.c.dependencies=x\n");

    assertThat(problems(file))
        .hasSize(3)
        .allSatisfy(
            p -> assertThat(p).contains("must be a method pattern <type>#<method>[(<parameters>)]"))
        .anySatisfy(p -> assertThat(p).endsWith("line 1)"))
        .anySatisfy(p -> assertThat(p).endsWith("line 2)"))
        .anySatisfy(p -> assertThat(p).endsWith("line 3)"));
  }

  @Test
  void rulesFromSeveralSourcesMerge() throws Exception {
    Path file = file("depcache.target.t.method=com.example.A#b()\ndepcache.target.t.ttl=5\n");
    Map<String, String> env = Map.of("DEPCACHE_TARGET_T_TTL", "7");

    TargetRule rule = AgentConfig.load("config=" + file, Map.of(), env).targets().get(0);

    assertThat(rule.ttl()).isEqualTo(7L);
    assertThat(rule.method()).isEqualTo("com.example.A#b()");
  }
}
