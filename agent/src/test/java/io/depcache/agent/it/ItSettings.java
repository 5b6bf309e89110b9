package io.depcache.agent.it;

import io.depcache.testing.JavaHomes;
import java.nio.file.Files;
import java.nio.file.Path;
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

  /** The JDKs to run on; see {@link JavaHomes#list()}. */
  static List<String> javaHomes() {
    return JavaHomes.list();
  }

  private static String existing(String property) {
    return JavaHomes.existingPath(property, "run the end-to-end tests through mvn verify");
  }
}
