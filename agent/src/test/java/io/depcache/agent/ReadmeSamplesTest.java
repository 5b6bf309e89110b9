package io.depcache.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.depcache.DepCached;
import io.depcache.agent.config.AgentConfig;
import io.depcache.agent.config.ConfigException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every code sample of the README is checked, so that none can rot: each {@code java} block is a
 * whole compilation unit and must compile against the API without a warning; each {@code
 * properties} block is read as the agent reads its file and must be accepted, unless its {@code #
 * error:} lines say which problems it must give, exactly.
 */
class ReadmeSamplesTest {
  private static final Pattern FENCE =
      Pattern.compile("^```(\\w+)\\n(.*?)^```$", Pattern.MULTILINE | Pattern.DOTALL);
  private static final Pattern PUBLIC_TYPE =
      Pattern.compile(
          "^public (?:final |abstract )?(?:class|interface|record|enum) (\\w+)", Pattern.MULTILINE);
  private static final String ERROR = "# error: ";

  @TempDir Path dir;

  /** A fenced block of the README: its language, first line and text. */
  record Block(String language, int line, String text) {}

  static Path readme() {
    // surefire runs in the module's directory; the README is the parent's
    Path readme = Path.of("").toAbsolutePath().resolveSibling("README.md");
    assertThat(readme).exists();
    return readme;
  }

  static List<Block> blocks(String markdown) {
    List<Block> blocks = new ArrayList<>();
    Matcher m = FENCE.matcher(markdown);
    while (m.find()) {
      int line = (int) markdown.substring(0, m.start()).chars().filter(c -> c == '\n').count() + 1;
      blocks.add(new Block(m.group(1), line, m.group(2)));
    }
    return blocks;
  }

  @TestFactory
  Stream<DynamicTest> everyJavaSampleCompilesAgainstTheApi() throws Exception {
    List<Block> samples =
        blocks(Files.readString(readme())).stream()
            .filter(b -> b.language().equals("java"))
            .toList();
    assertThat(samples).as("java samples in the README").hasSizeGreaterThanOrEqualTo(5);
    return samples.stream()
        .map(
            b ->
                DynamicTest.dynamicTest(
                    "java sample at README line " + b.line(), () -> compile(b)));
  }

  @TestFactory
  Stream<DynamicTest> everyPropertiesSampleIsReadAsItSays() throws Exception {
    List<Block> samples =
        blocks(Files.readString(readme())).stream()
            .filter(b -> b.language().equals("properties"))
            .toList();
    assertThat(samples).as("properties samples in the README").hasSizeGreaterThanOrEqualTo(3);
    assertThat(samples).anyMatch(b -> b.text().contains(ERROR));
    assertThat(samples).anyMatch(b -> !b.text().contains(ERROR));
    Path demo = readme().resolveSibling("demo-app").resolve("depcache.properties");
    Block demoFile = new Block("properties", 1, Files.readString(demo));
    return Stream.concat(
        samples.stream()
            .map(
                b ->
                    DynamicTest.dynamicTest(
                        "properties at README line " + b.line(), () -> read(b))),
        Stream.of(DynamicTest.dynamicTest("demo-app/depcache.properties", () -> read(demoFile))));
  }

  private void compile(Block sample) throws Exception {
    Matcher type = PUBLIC_TYPE.matcher(sample.text());
    String name = type.find() ? type.group(1) : "Sample";
    Path source = dir.resolve("src").resolve(name + ".java");
    Path classes = dir.resolve("classes");
    Files.createDirectories(source.getParent());
    Files.createDirectories(classes);
    Files.writeString(source, sample.text());
    String api =
        Path.of(DepCached.class.getProtectionDomain().getCodeSource().getLocation().toURI())
            .toString();

    JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    boolean compiled;
    try (StandardJavaFileManager files =
        compiler.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
      compiled =
          compiler
              .getTask(
                  null,
                  files,
                  diagnostics,
                  List.of(
                      "--release",
                      "17",
                      "-Xlint:all",
                      "-Werror",
                      "-parameters",
                      "-classpath",
                      api,
                      "-d",
                      classes.toString()),
                  null,
                  files.getJavaFileObjects(source.toFile()))
              .call();
    }
    if (!compiled || !diagnostics.getDiagnostics().isEmpty()) {
      StringBuilder report = new StringBuilder();
      for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
        report
            .append(System.lineSeparator())
            .append("  README line ")
            .append(sample.line() + d.getLineNumber())
            .append(": ")
            .append(d.getMessage(Locale.ROOT));
      }
      fail(
          "the java sample at README line "
              + sample.line()
              + " does not compile cleanly:"
              + report);
    }
    assertThat(classes.resolve(name + ".class")).exists();
  }

  private void read(Block sample) throws Exception {
    List<String> expected = new ArrayList<>();
    for (String line : sample.text().split("\n")) {
      if (line.startsWith(ERROR)) {
        expected.add(line.substring(ERROR.length()));
      }
    }
    Path file = dir.resolve("depcache.properties");
    Files.writeString(file, sample.text());
    String shown = "file " + file;
    List<String> problems;
    try {
      // no system properties, no environment: the sample alone decides
      AgentConfig config =
          AgentConfig.load("config=" + file.toString().replace(",", "\\,"), Map.of(), Map.of());
      String unsupported = Unsupported.find(config);
      problems = unsupported == null ? List.of() : List.of(unsupported.split("; "));
    } catch (ConfigException e) {
      problems =
          e.problems().stream().map(p -> p.replace(shown, "file depcache.properties")).toList();
    }
    assertThat(problems)
        .as("problems of the properties sample at README line %d", sample.line())
        .containsExactlyElementsOf(expected);
  }
}
