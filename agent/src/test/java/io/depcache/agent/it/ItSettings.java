package io.depcache.agent.it;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Where the end-to-end tests find the agent jar, the API, the JDKs; set by failsafe. */
final class ItSettings {
  private ItSettings() {}

  static String agentJar() {
    return existing("depcache.it.agentJar");
  }

  static String apiClasses() {
    return existing("depcache.it.apiJar");
  }

  static String testClasses() {
    return Path.of("target", "test-classes").toAbsolutePath().toString();
  }

  /** The application's own Jedis and SLF4J jars, other versions than the agent's. */
  static List<String> appLibraries() throws java.io.IOException {
    Path dir = Path.of(existing("depcache.it.appLibs"));
    try (Stream<Path> jars = Files.list(dir)) {
      return jars.map(Path::toString).filter(p -> p.endsWith(".jar")).sorted().toList();
    }
  }

  /**
   * The JDKs to run the applications on: the one running the tests, and every home listed in {@code
   * depcache.it.javaHomes} (a listed home that does not exist fails the run).
   */
  static List<String> javaHomes() {
    List<String> homes = new ArrayList<>();
    homes.add(System.getProperty("java.home"));
    String listed = System.getProperty("depcache.it.javaHomes", "");
    for (String home : listed.split(File.pathSeparator)) {
      if (home.isBlank()) {
        continue;
      }
      if (!Files.isExecutable(Path.of(home, "bin", "java"))) {
        throw new AssertionError("depcache.it.javaHomes lists " + home + ", which has no bin/java");
      }
      homes.add(home);
    }
    return homes;
  }

  private static String existing(String property) {
    String value = System.getProperty(property);
    if (value == null || !Files.exists(Path.of(value))) {
      throw new AssertionError(
          "system property "
              + property
              + " = "
              + value
              + " does not name an existing path;"
              + " run the end-to-end tests through mvn verify");
    }
    return value;
  }
}
