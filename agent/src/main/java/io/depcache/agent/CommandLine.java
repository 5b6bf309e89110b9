package io.depcache.agent;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Starts the command line. Its commands run the agent's runtime, which needs the API; in the agent
 * jar the API lies in the nested bootstrap jar, off the class path. So the command line runs in a
 * loader of its own over that jar and the agent jar, which looks for {@code io.depcache} classes
 * there first and for everything else (the JDK, its attach API) in the application loader.
 */
final class CommandLine {
  private static final String BOOTSTRAP_JAR = "/META-INF/depcache/bootstrap.jar";

  /** The simple logger's level property, as written and as relocated in the agent jar. */
  private static final String[] LOG_LEVEL = {
    "org.slf4j.simpleLogger.defaultLogLevel",
    "io.depcache.agent.shaded.org.slf4j.simpleLogger.defaultLogLevel"
  };

  private CommandLine() {}

  static int run(String[] args, PrintStream out, PrintStream err) {
    // A command says what went wrong in one line of its own; the runtime's log would repeat it.
    for (String property : LOG_LEVEL) {
      if (System.getProperty(property) == null) {
        System.setProperty(property, "error");
      }
    }
    try (InputStream api = CommandLine.class.getResourceAsStream(BOOTSTRAP_JAR)) {
      if (api == null) {
        // Not the packaged jar (a test): the API is on the class path already.
        return io.depcache.agent.cli.Cli.run(args, out, err);
      }
      Path jar = Files.createTempFile("depcache-cli-api-", ".jar");
      jar.toFile().deleteOnExit();
      Files.copy(api, jar, StandardCopyOption.REPLACE_EXISTING);
      URL agentJar = CommandLine.class.getProtectionDomain().getCodeSource().getLocation();
      try (URLClassLoader loader =
          new OwnFirst(new URL[] {jar.toUri().toURL(), agentJar}, CommandLine.class)) {
        Class<?> cli = Class.forName("io.depcache.agent.cli.Cli", true, loader);
        Thread.currentThread().setContextClassLoader(loader);
        return (int)
            cli.getMethod("run", String[].class, PrintStream.class, PrintStream.class)
                .invoke(null, args, out, err);
      }
    } catch (InvocationTargetException e) {
      err.println("depcache: the command failed: " + e.getCause());
      return 2;
    } catch (IOException | ReflectiveOperationException e) {
      err.println("depcache: cannot start the command line: " + e);
      return 2;
    }
  }

  /** Loads {@code io.depcache} classes from its own jars before asking its parent. */
  private static final class OwnFirst extends URLClassLoader {
    static {
      registerAsParallelCapable();
    }

    OwnFirst(URL[] urls, Class<?> anchor) {
      super("depcache-cli", urls, anchor.getClassLoader());
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
      if (!name.startsWith("io.depcache.")) {
        return super.loadClass(name, resolve);
      }
      synchronized (getClassLoadingLock(name)) {
        Class<?> loaded = findLoadedClass(name);
        if (loaded == null) {
          try {
            loaded = findClass(name);
          } catch (ClassNotFoundException e) {
            loaded = super.loadClass(name, false);
          }
        }
        if (resolve) {
          resolveClass(loaded);
        }
        return loaded;
      }
    }
  }
}
