package io.depcache.agent;

import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.jar.JarFile;

/**
 * The agent's entry point ({@code Premain-Class} and {@code Agent-Class}).
 *
 * <p>It does as little as possible: refuse a second installation, append the API and the bridge to
 * the bootstrap class path before anything touches an API class, then hand over to {@link
 * AgentMain}. It references no API class itself, and no {@link Throwable} ever leaves it: a failing
 * agent prints one line and the application starts as if it were not there.
 */
public final class DepCacheAgent {
  /** Set once the agent is installed; a second premain or attach then does nothing. */
  static final String INSTALLED_PROPERTY = "io.depcache.agent.installed";

  private static final String BOOTSTRAP_JAR = "/META-INF/depcache/bootstrap.jar";

  private DepCacheAgent() {}

  /**
   * The command line ({@code java -jar depcache-agent.jar <command>}), kept apart from the agent's
   * start: it is never reached from premain or attach.
   */
  public static void main(String[] args) {
    System.exit(io.depcache.agent.cli.Cli.run(args, System.out, System.err));
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
        System.err.println(
            "[depcache] agent already installed ("
                + System.getProperty(INSTALLED_PROPERTY)
                + "); this "
                + how
                + " does nothing");
        return;
      }
      System.setProperty(INSTALLED_PROPERTY, how);
      appendBootstrapJar(instrumentation);
      AgentMain.install(arguments, instrumentation);
    } catch (Throwable t) {
      System.err.println("[depcache] agent not installed, the application runs without it: " + t);
    }
  }

  private static void appendBootstrapJar(Instrumentation instrumentation) throws IOException {
    Path jar = Files.createTempFile("depcache-bootstrap-", ".jar");
    jar.toFile().deleteOnExit();
    try (InputStream in = DepCacheAgent.class.getResourceAsStream(BOOTSTRAP_JAR)) {
      if (in == null) {
        throw new IOException(BOOTSTRAP_JAR + " is missing from the agent jar");
      }
      Files.copy(in, jar, StandardCopyOption.REPLACE_EXISTING);
    }
    instrumentation.appendToBootstrapClassLoaderSearch(new JarFile(jar.toFile()));
  }
}
