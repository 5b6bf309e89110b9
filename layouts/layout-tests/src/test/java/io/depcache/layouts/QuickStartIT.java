package io.depcache.layouts;

import static org.assertj.core.api.Assertions.assertThat;

import io.depcache.testing.TestRedis;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * The README's quick start, as printed: its {@code pom.xml} says how the jar is made (read here and
 * followed: compiled against the API jar, {@code target/app.jar} with the manifest's {@code
 * Main-Class} and {@code Class-Path: lib/...}), its class is compiled as it stands (in the unnamed
 * package), its command is run, and its output is what the README shows.
 */
class QuickStartIT {
  private static final Pattern FENCE =
      Pattern.compile("^```(\\w*)\\n(.*?)^```$", Pattern.MULTILINE | Pattern.DOTALL);

  @TempDir Path dir;

  static Stream<String> javaHomes() {
    return LayoutSettings.javaHomes().stream();
  }

  @ParameterizedTest
  @MethodSource("javaHomes")
  void theQuickStartRunsAsPrinted(String javaHome) throws Exception {
    List<String[]> blocks = quickStartBlocks();
    String pom = block(blocks, "xml", "<project");
    String source = block(blocks, "java", "public class UserService");
    String command = block(blocks, "bash", "-jar target/app.jar");
    String expected = block(blocks, "text", "agent active");

    Document project =
        DocumentBuilderFactory.newInstance()
            .newDocumentBuilder()
            .parse(new ByteArrayInputStream(pom.getBytes(StandardCharsets.UTF_8)));
    assertThat(text(project, "finalName")).isEqualTo("app");
    assertThat(text(project, "artifactId")).isEqualTo("quickstart");
    assertThat(text(project, "mainClass")).isEqualTo("UserService");
    assertThat(text(project, "classpathPrefix")).isEqualTo("lib/");
    assertThat(text(project, "addClasspath")).isEqualTo("true");
    assertThat(pom).contains("<artifactId>depcache-api</artifactId>", "copy-dependencies");
    String apiJar = Path.of(LayoutSettings.apiJar()).getFileName().toString();
    assertThat(apiJar).isEqualTo("depcache-api-" + version(pom) + ".jar");

    // what `mvn -q package` makes of that pom
    Path sources = Files.createDirectories(dir.resolve("src/main/java"));
    Files.writeString(sources.resolve("UserService.java"), source);
    Path classes = Files.createDirectories(dir.resolve("target/classes"));
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    int compiled =
        javac.run(
            null,
            null,
            null,
            "--release",
            "17",
            "-cp",
            LayoutSettings.apiJar(),
            "-d",
            classes.toString(),
            sources.resolve("UserService.java").toString());
    assertThat(compiled).isZero();
    Path lib = Files.createDirectories(dir.resolve("target/lib"));
    Files.copy(Path.of(LayoutSettings.apiJar()), lib.resolve(apiJar));
    jar(classes, dir.resolve("target/app.jar"), "UserService", "lib/" + apiJar);

    // the README's command, with the agent where the build put it and the test's Redis
    String line =
        Arrays.stream(command.split("\n"))
            .filter(l -> l.contains("-jar target/app.jar"))
            .findFirst()
            .orElseThrow();
    List<String> words = new ArrayList<>(Arrays.asList(line.trim().split("\\s+")));
    assertThat(words.get(0)).isEqualTo("java");
    words.set(0, LayoutSettings.java(javaHome));
    words.replaceAll(w -> w.replace("/path/to/depcache-agent.jar", LayoutSettings.agentJar()));
    words.add(1, "-Ddepcache.redis.url=" + TestRedis.url());
    words.add(2, "-Ddepcache.prefix=" + LayoutSettings.prefix());
    ProcessBuilder builder = new ProcessBuilder(words).directory(dir.toFile());
    builder
        .environment()
        .keySet()
        .removeIf(
            k -> k.startsWith("DEPCACHE_") || k.startsWith("REDIS_") || k.startsWith("DEP_CACHE_"));
    Process process = builder.start();
    byte[] out = process.getInputStream().readAllBytes();
    String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(new String(out, StandardCharsets.UTF_8)).as(err).isEqualTo(expected);
    assertThat(err).contains("depcache agent installed").doesNotContain("WARN");
  }

  private static List<String[]> quickStartBlocks() throws Exception {
    String readme = Files.readString(Path.of(LayoutSettings.readme()));
    int start = readme.indexOf("## Quick start in your own application");
    int end = readme.indexOf("\n## ", start + 1);
    assertThat(start).as("the README's quick start section").isNotNegative();
    Matcher m = FENCE.matcher(readme.substring(start, end));
    List<String[]> blocks = new ArrayList<>();
    while (m.find()) {
      blocks.add(new String[] {m.group(1), m.group(2)});
    }
    return blocks;
  }

  private static String block(List<String[]> blocks, String language, String containing) {
    return blocks.stream()
        .filter(b -> b[0].equals(language) && b[1].contains(containing))
        .map(b -> b[1])
        .findFirst()
        .orElseThrow(
            () -> new AssertionError("no " + language + " block with " + containing + " in it"));
  }

  private static String text(Document project, String tag) {
    return ((Element) project.getElementsByTagName(tag).item(0)).getTextContent().trim();
  }

  private static String version(String pom) {
    Matcher m =
        Pattern.compile("<artifactId>depcache-api</artifactId>\\s*<version>([^<]+)</version>")
            .matcher(pom);
    assertThat(m.find()).isTrue();
    return m.group(1);
  }

  private static void jar(Path classes, Path jar, String mainClass, String classPath)
      throws Exception {
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, mainClass);
    manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, classPath);
    try (OutputStream file = Files.newOutputStream(jar);
        JarOutputStream out = new JarOutputStream(file, manifest);
        Stream<Path> files = Files.walk(classes)) {
      for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
        out.putNextEntry(
            new JarEntry(classes.relativize(f).toString().replace(File.separatorChar, '/')));
        out.write(Files.readAllBytes(f));
        out.closeEntry();
      }
    }
  }
}
