package io.depcache.agent.it;

import io.depcache.testing.JvmProcess;
import io.depcache.testing.LineApp;
import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A separate JVM running {@code com.example.itapp.ItApp} (or another app of the test classes that
 * speaks the same protocol), driven line by line: the way users run the agent, with {@code
 * -javaagent:} on the packaged jar.
 */
final class AppProcess extends JvmProcess {
  private AppProcess(Process process) throws IOException {
    super(process);
  }

  /**
   * Starts the app.
   *
   * @param javaHome the JDK to run
   * @param jvmArguments e.g. {@code -javaagent:...}, {@code -Ddepcache.prefix=...}
   * @param extraClassPath entries before the test classes (e.g. the app's own libraries)
   */
  static AppProcess start(String javaHome, List<String> jvmArguments, List<String> extraClassPath)
      throws IOException {
    return start(javaHome, jvmArguments, extraClassPath, "com.example.itapp.ItApp");
  }

  /**
   * Starts another app that speaks the same protocol: {@code "= ready <pid>"} first, then one
   * {@code "= "} answer per command line.
   *
   * @param mainClass the app's main class, from the test classes
   */
  static AppProcess start(
      String javaHome, List<String> jvmArguments, List<String> extraClassPath, String mainClass)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(javaHome, "bin", "java").toString());
    command.addAll(jvmArguments);
    List<String> classPath = new ArrayList<>(extraClassPath);
    classPath.add(ItSettings.testClasses());
    classPath.add(ItSettings.apiClasses());
    classPath.add(lineAppLocation()); // the protocol's app side, which needs the JDK only
    command.add("-cp");
    command.add(String.join(File.pathSeparator, classPath));
    command.add(mainClass);
    return new AppProcess(builder(command).start());
  }

  private static String lineAppLocation() {
    try {
      return Path.of(LineApp.class.getProtectionDomain().getCodeSource().getLocation().toURI())
          .toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static void requireFile(String path) {
    if (!Files.exists(Path.of(path))) {
      throw new AssertionError(path + " does not exist: run the end-to-end tests with mvn verify");
    }
  }
}
