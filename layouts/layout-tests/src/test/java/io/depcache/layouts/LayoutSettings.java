package io.depcache.layouts;

import io.depcache.testing.JavaHomes;
import io.depcache.testing.TestRedis;
import java.io.File;
import java.nio.file.Path;
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
    // A 2 s timeout: right after an attach the JVM is busy retransforming and compiling, and a
    // first lookup that missed the default 200 ms would run that call uncached, which the
    // scenario counts as a second computation. These tests are about layouts, not timeouts.
    return "redis.url=" + TestRedis.url() + ",prefix=" + prefix() + ",redis.timeout-ms=2000";
  }

  /** The JDKs to run on; see {@link JavaHomes#list()}. */
  static List<String> javaHomes() {
    return JavaHomes.list();
  }

  private static String existing(String property) {
    return JavaHomes.existingPath(
        property, "build the layouts with mvn verify from the top directory");
  }
}
