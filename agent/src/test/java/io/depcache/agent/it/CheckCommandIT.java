package io.depcache.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.depcache.testing.CommandRun;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code java -jar depcache-agent.jar check}: the dry run, on a jar built from test fixtures. */
class CheckCommandIT {
  @TempDir static Path dir;
  private static Path appJar;

  @BeforeAll
  static void buildAppJar() throws IOException {
    appJar = dir.resolve("app.jar");
    Path classes = Path.of(ItSettings.testClasses());
    try (OutputStream file = Files.newOutputStream(appJar);
        JarOutputStream jar = new JarOutputStream(file);
        Stream<Path> all = Files.walk(classes)) {
      for (Path f : all.filter(Files::isRegularFile).sorted().toList()) {
        String name = classes.relativize(f).toString().replace('\\', '/');
        if (name.startsWith("com/example/legacy/")
            || name.equals("com/example/fixtures/Catalogue.class")
            || name.equals("com/example/fixtures/ShopCatalogue.class")
            || name.equals("com/example/fixtures/AbstractCatalogue.class")
            || name.equals("com/example/fixtures/Calls.class")) {
          jar.putNextEntry(new JarEntry(name));
          jar.write(Files.readAllBytes(f));
          jar.closeEntry();
        }
      }
    }
  }

  private static CommandRun check(String properties, String... more) throws Exception {
    Path config = Files.createTempFile(dir, "depcache", ".properties");
    Files.writeString(config, properties, StandardCharsets.UTF_8);
    List<String> command =
        new java.util.ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                ItSettings.agentJar(),
                "check",
                "--config",
                config.toString(),
                "--classpath",
                dir + "/*"));
    command.addAll(List.of(more));
    return CommandRun.of(command);
  }

  @Test
  void jsonIsOneDocumentWithTheSameFindings() throws Exception {
    CommandRun run =
        check(
            """
            depcache.target.users.method=com.example.legacy.UserDao#find*(..)
            depcache.target.none.method=com.example.legacy.Nothing#here
            """,
            "--json");
    assertThat(run.exit()).as(run.output()).isZero();
    com.google.gson.JsonObject document =
        com.google.gson.JsonParser.parseString(run.output().strip()).getAsJsonObject();
    assertThat(document.get("ok").getAsBoolean()).isTrue();
    assertThat(document.get("targetRules").getAsInt()).isEqualTo(2);
    assertThat(document.get("errors").getAsInt()).isZero();
    assertThat(document.get("warnings").getAsInt()).isEqualTo(1); // the rule that matches nothing
    assertThat(run.output()).contains("com.example.legacy.UserDao#findUser(long)");
    CommandRun strict =
        check(
            "depcache.target.none.method=com.example.legacy.Nothing#here\n", "--json", "--strict");
    assertThat(strict.exit()).isEqualTo(1);
    assertThat(
            com.google.gson.JsonParser.parseString(strict.output().strip())
                .getAsJsonObject()
                .get("ok")
                .getAsBoolean())
        .isFalse();
  }

  @Test
  void listsWhatEachRuleAndAnnotationReachesWithResolvedTemplates() throws Exception {
    CommandRun run =
        check(
            """
            depcache.target.users.method=com.example.legacy.UserDao#find*(..)
            depcache.target.users.dependencies=legacy-user:{0}
            depcache.target.repos.method=com.example.legacy.Repo+#find(long)
            depcache.invalidate.create.method=com.example.legacy.UserDao#create
            depcache.invalidate.create.dependencies=legacy-user:{result.id}
            """);
    assertThat(run.exit()).as(run.output()).isZero();
    assertThat(run.output())
        .contains("target users (file ")
        .contains(
            "com.example.legacy.UserDao#findUser(long)  cached key=<class, method and arguments>"
                + " dependencies=[legacy-user:{0=long ")
        .contains("com.example.legacy.UserDao#findByName(java.lang.String)")
        .contains("com.example.legacy.OrderRepo#find(long)  cached")
        .contains("com.example.legacy.ItemRepo#find(long)  cached")
        .doesNotContain("com.example.legacy.Unrelated#find")
        .contains("com.example.legacy.UserDao#create(java.lang.String)  invalidates [legacy-user:")
        .contains("com.example.fixtures.ShopCatalogue#item(long)  cached")
        .contains("dependencies=[item:{0=long ")
        .contains("com.example.fixtures.ShopCatalogue#update(long, java.lang.String)  invalidates")
        .contains("note com.example.fixtures.Catalogue#item(long): abstract, applies to the")
        .contains("OK: 0 error(s), 0 warning(s)");
  }

  @Test
  void withoutConfigTheAnnotationsAloneAreChecked() throws Exception {
    CommandRun run =
        CommandRun.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-jar",
            ItSettings.agentJar(),
            "check",
            "--classpath",
            dir + "/*");
    assertThat(run.exit()).as(run.output()).isZero();
    assertThat(run.output())
        .contains("depcache check: 0 target rule(s), 0 invalidation rule(s)")
        .contains("com.example.fixtures.ShopCatalogue#item(long)  cached")
        .doesNotContain("com.example.legacy.UserDao#findUser")
        .contains("OK: 0 error(s), 0 warning(s)");
  }

  @Test
  void flagsRulesThatMatchNothingAndMethodsThatCannotBeCached() throws Exception {
    String rules =
        """
        depcache.target.nothing.method=com.example.legacy.Nope#find()
        depcache.target.voids.method=com.example.legacy.UserDao#rename
        depcache.target.abstract.method=com.example.legacy.AbstractRepo#find
        """;
    CommandRun run = check(rules);
    assertThat(run.exit()).as(run.output()).isZero();
    assertThat(run.output())
        .contains("target nothing (file ")
        .contains("WARNING matches no method")
        .contains("UserDao#rename(long, java.lang.String): void: no result to cache")
        .contains("AbstractRepo#find(long): abstract: no body here")
        .contains("OK: 0 error(s), 5 warning(s)");
    assertThat(check(rules, "--strict").exit()).isEqualTo(1);
  }

  @Test
  void aTemplateNamingAMissingArgumentIsABrokenRule() throws Exception {
    CommandRun run =
        check(
            """
            depcache.target.audit.method=com.example.legacy.UserDao#audit(long)
            depcache.target.audit.dependencies=audit:{2}
            """);
    assertThat(run.exit()).as(run.output()).isEqualTo(1);
    assertThat(run.output())
        .contains("ERROR depcache.target.audit (file ")
        .contains("line 1) on com.example.legacy.UserDao#audit(long): template 'audit:{2}'")
        .contains("BROKEN: 1 error(s)");
  }

  @Test
  void aConfigurationThatDoesNotParseIsBrokenWithFileAndLine() throws Exception {
    CommandRun run =
        check(
            """
            depcache.target.a.method=com.example.legacy.UserDao#find(int
            depcache.target.a.ttl=5m
            depcache.target.a.colour=red
            """);
    assertThat(run.exit()).as(run.output()).isEqualTo(1);
    assertThat(run.output())
        .contains("BROKEN configuration")
        .contains("depcache.target.a.method must be a method pattern")
        .contains("line 1)")
        .contains("depcache.target.a.ttl must be a whole number of seconds")
        .contains("line 2)")
        .contains("depcache.target.a.colour")
        .contains("line 3");
  }

  @Test
  void badUsageExitsWithTwo() throws Exception {
    CommandRun run =
        CommandRun.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-jar",
            ItSettings.agentJar(),
            "check");
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.output()).contains("usage: java -jar depcache-agent.jar check");
  }
}
