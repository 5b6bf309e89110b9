package io.depcache.agent;

import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.jar.JarFile;

/**
 * The agent's entry point ({@code Premain-Class} and {@code Agent-Class}).
 *
 * <p>It does as little as possible: refuse a second installation, put the bridge (and, when no copy
 * of the API has been loaded yet, the API) on the bootstrap class path, then hand over to {@link
 * AgentMain}. It references no API class itself, and no {@link Throwable} ever leaves it: a failing
 * agent prints one line and the application starts as if it were not there.
 *
 * <p>Two layouts, chosen by what the JVM has loaded:
 *
 * <ul>
 *   <li><b>Shared API</b> (premain, or an attach before anything touched the API): the API and the
 *       bridge go on the bootstrap search, so every parent-first loader resolves the one copy and
 *       the agent's runtime implements the very interfaces the application sees.
 *   <li><b>Isolated</b> (an attach after the application loaded API classes): appending the API now
 *       would split its package between the loader that already defined some classes and the
 *       bootstrap loader that would define the rest ({@code IllegalAccessError}, loader
 *       constraints). Only the bridge goes on the bootstrap search; the agent runs in a loader of
 *       its own, beside its own copy of the API, and every application copy is foreign: its facade
 *       is rewritten and its {@code CacheManager} served by an adapter.
 * </ul>
 */
public final class DepCacheAgent {
  /** Set once the agent is installed; a second premain or attach then does nothing. */
  static final String INSTALLED_PROPERTY = io.depcache.agent.cli.Cli.INSTALLED_PROPERTY;

  /** What the last premain or attach reported, for {@code attach} to print. */
  static final String STATUS_PROPERTY = io.depcache.agent.cli.Cli.STATUS_PROPERTY;

  private static final String BOOTSTRAP_JAR = "/META-INF/depcache/bootstrap.jar";
  private static final String BRIDGE_JAR = "/META-INF/depcache/bridge.jar";

  /**
   * Byte Buddy's Nexus (relocated with it) is for initializers of generated types, which inline
   * advice never needs; creating it touches {@code sun.misc.Unsafe}, which JDK 24+ warns about.
   */
  private static final String NEXUS_DISABLED =
      "io.depcache.agent.shaded.net.bytebuddy.nexus.disabled";

  private DepCacheAgent() {}

  /**
   * The command line ({@code java -jar depcache-agent.jar <command>}), kept apart from the agent's
   * start: it is never reached from premain or attach.
   */
  public static void main(String[] args) {
    System.exit(CommandLine.run(args, System.out, System.err));
  }

  public static void premain(String arguments, Instrumentation instrumentation) {
    start(arguments, instrumentation, "premain");
  }

  public static void agentmain(String arguments, Instrumentation instrumentation) {
    start(arguments, instrumentation, "attach");
  }

  private static synchronized void start(
      String arguments, Instrumentation instrumentation, String how) {
    try {
      if (System.getProperty(INSTALLED_PROPERTY) != null) {
        String message =
            "agent already installed ("
                + System.getProperty(INSTALLED_PROPERTY)
                + "); this "
                + how
                + " does nothing";
        System.err.println("[depcache] " + message);
        System.setProperty(STATUS_PROPERTY, message);
        return;
      }
      System.setProperty(INSTALLED_PROPERTY, how);
      if (System.getProperty(NEXUS_DISABLED) == null) {
        System.setProperty(NEXUS_DISABLED, "true");
      }
      Path bootstrapJar = extract(BOOTSTRAP_JAR);
      String loadedApi = loadedApiClass(instrumentation);
      String status;
      if (loadedApi == null) {
        instrumentation.appendToBootstrapClassLoaderSearch(new JarFile(bootstrapJar.toFile()));
        status = AgentMain.start(arguments, instrumentation, bootstrapJar, how);
      } else {
        instrumentation.appendToBootstrapClassLoaderSearch(
            new JarFile(extract(BRIDGE_JAR).toFile()));
        status = startIsolated(arguments, instrumentation, bootstrapJar, how, loadedApi);
      }
      System.setProperty(STATUS_PROPERTY, status);
      if (!status.startsWith("installed")) {
        // Refused by its configuration (or disabled): a later attach with other options may try.
        System.clearProperty(INSTALLED_PROPERTY);
      }
    } catch (Throwable t) {
      String message = "agent not installed, the application runs without it: " + t;
      System.err.println("[depcache] " + message);
      try {
        System.setProperty(STATUS_PROPERTY, message);
      } catch (Throwable ignored) {
        // nothing more to say
      }
    }
  }

  /**
   * The name of an API class that some loader other than the bootstrap loader has defined, or
   * {@code null}: at premain, and at an attach before the application touched the API, there is
   * none.
   */
  private static String loadedApiClass(Instrumentation instrumentation) {
    for (Class<?> type : instrumentation.getAllLoadedClasses()) {
      String name = type.getName();
      if (name.startsWith("io.depcache.")
          && !name.startsWith("io.depcache.agent.")
          && !name.startsWith("io.depcache.bridge.")
          && type.getClassLoader() != null) {
        return name + " (loaded by " + type.getClassLoader() + ")";
      }
    }
    return null;
  }

  private static String startIsolated(
      String arguments, Instrumentation instrumentation, Path bootstrapJar, String how, String api)
      throws IOException, ReflectiveOperationException, URISyntaxException {
    URL agentJar = DepCacheAgent.class.getProtectionDomain().getCodeSource().getLocation();
    // Parent: the platform loader, so that the bridge resolves from the bootstrap path and the API
    // from this loader's own copy, never from the application's loaders.
    ClassLoader isolated =
        new URLClassLoader(
            "depcache-agent",
            new URL[] {bootstrapJar.toUri().toURL(), agentJar},
            ClassLoader.getPlatformClassLoader());
    Class<?> main = Class.forName(AgentMain.class.getName(), true, isolated);
    Method start =
        main.getMethod("start", String.class, Instrumentation.class, Path.class, String.class);
    try {
      return (String)
          start.invoke(
              null,
              arguments,
              instrumentation,
              bootstrapJar,
              how + ", isolated: the application had already loaded " + api);
    } catch (InvocationTargetException e) {
      throw new IllegalStateException("the agent failed to start", e.getCause());
    }
  }

  private static Path extract(String resource) throws IOException {
    String name = resource.substring(resource.lastIndexOf('/') + 1, resource.lastIndexOf('.'));
    Path jar = Files.createTempFile("depcache-" + name + "-", ".jar");
    jar.toFile().deleteOnExit();
    try (InputStream in = DepCacheAgent.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IOException(resource + " is missing from the agent jar");
      }
      Files.copy(in, jar, StandardCopyOption.REPLACE_EXISTING);
    }
    return jar;
  }
}
