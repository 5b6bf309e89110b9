package io.depcache.layouts;

import io.depcache.testing.TestRedis;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Where the layout tests find the artifacts and the JDKs; set by failsafe. */
final class LayoutSettings {
  private LayoutSettings() {}

  static String agentJar() {
    return existing("depcache.it.agentJar");
  }

  static String apiJar() {
    return existing("depcache.it.apiJar");
  }

  static String readme() {
    return existing("depcache.it.readme");
  }

  static String plainApp() {
    return existing("depcache.it.plainApp");
  }

  static String bootApp() {
    return existing("depcache.it.bootApp");
  }

  static String webapp() {
    return existing("depcache.it.webapp");
  }

  /** The container's class path: its jar and its Tomcat, no copy of the API. */
  static String containerClassPath() {
    String target = existing("depcache.it.container");
    return target + "/container.jar" + File.pathSeparator + target + "/lib/*";
  }

  static String java(String javaHome) {
    return Path.of(javaHome, "bin", "java").toString();
  }

  /** A fresh key prefix, so that tests sharing the Redis never see each other's entries. */
  static String prefix() {
    return "layout" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** The agent's options for a test: the shared Redis and a fresh prefix. */
  static String agentOptions() {
    return "redis.url=" + TestRedis.url() + ",prefix=" + prefix();
  }

  /**
   * The JDKs to run the layouts on: the one running the tests, and every home listed in {@code
   * depcache.it.javaHomes} (a listed home that does not exist fails the run).
   */
  static List<String> javaHomes() {
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

  private static String existing(String property) {
    String value = System.getProperty(property);
    if (value == null || !Files.exists(Path.of(value))) {
      throw new AssertionError(
          "system property "
              + property
              + " = "
              + value
              + " does not name an existing path; build the layouts with mvn verify from the"
              + " top directory");
    }
    return value;
  }
}
