package io.depcache.testing;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The JDKs that end-to-end tests start their JVMs on, and the artifacts the build made for them.
 */
public final class JavaHomes {
  private JavaHomes() {}

  /**
   * The JDK running the tests, and every home listed in the system property {@code
   * depcache.it.javaHomes} ({@code :}-separated; set by the build from {@code
   * DEPCACHE_IT_JAVA_HOMES}). A listed home without {@code bin/java} fails the run rather than
   * silently testing less.
   *
   * @return the homes, the current one first
   */
  public static List<String> list() {
    List<String> homes = new ArrayList<>();
    homes.add(System.getProperty("java.home"));
    for (String home : System.getProperty("depcache.it.javaHomes", "").split(File.pathSeparator)) {
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

  /**
   * The path a system property set by the build names, which must exist.
   *
   * @param property e.g. {@code depcache.it.agentJar}
   * @param hint how to get it built, for the failure message
   */
  public static String existingPath(String property, String hint) {
    String value = System.getProperty(property);
    if (value == null || !Files.exists(Path.of(value))) {
      throw new AssertionError(
          "system property "
              + property
              + " = "
              + value
              + " does not name an existing path; "
              + hint);
    }
    return value;
  }
}
