package io.depcache.agent.serial;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringWriter;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.tools.JavaCompiler;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/** Compiles one class from source into a directory and loads it in a loader of its own. */
final class GeneratedClasses {
  private GeneratedClasses() {}

  /**
   * Compiles a source and returns a loader that sees only it (and, through its parent, the JDK).
   *
   * @param dir an empty directory for the source and the class file
   * @param className the binary name, e.g. {@code gen.Versioned}
   * @param source the compilation unit
   * @return a new loader whose parent is the platform loader
   */
  static URLClassLoader compile(Path dir, String className, String source) throws IOException {
    Path src = dir.resolve("src").resolve(className.replace('.', '/') + ".java");
    Path out = dir.resolve("classes");
    Files.createDirectories(src.getParent());
    Files.createDirectories(out);
    Files.writeString(src, source);
    JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
    StringWriter errors = new StringWriter();
    try (StandardJavaFileManager files = compiler.getStandardFileManager(null, null, null)) {
      boolean ok =
          compiler
              .getTask(
                  errors,
                  files,
                  null,
                  List.of("-d", out.toString()),
                  null,
                  files.getJavaFileObjects(src.toFile()))
              .call();
      assertThat(ok).as("compilation of %s: %s", className, errors).isTrue();
    }
    return new URLClassLoader(
        new URL[] {out.toUri().toURL()}, ClassLoader.getPlatformClassLoader());
  }
}
