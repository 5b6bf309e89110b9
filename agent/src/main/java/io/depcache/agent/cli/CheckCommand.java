package io.depcache.agent.cli;

import io.depcache.agent.config.AgentConfig;
import io.depcache.agent.config.ConfigException;
import io.depcache.agent.instrument.DryRun;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.pool.TypePool;

/**
 * {@code check}: reads the configuration as the agent would, scans the class path's class files
 * without loading them, and lists what each rule and annotation would cache or invalidate.
 */
final class CheckCommand implements Command {
  @Override
  public String name() {
    return "check";
  }

  @Override
  public String summary() {
    return "dry run: what the configuration and the annotations would cache";
  }

  @Override
  public String usage() {
    return "check [--config FILE] --classpath app.jar:lib/* [--strict] [--json]";
  }

  @Override
  public String details() {
    return """
        Reads the configuration as the agent would, scans the class path's class files without
        loading them, and lists what each rule and annotation would cache or invalidate, with
        the templates resolved. Exit 0 when nothing is broken; 1 when a rule or the
        configuration is broken (with --strict, also on a warning); 2 on bad usage.""";
  }

  @Override
  public Set<String> valueOptions() {
    return Set.of("--classpath", "-cp");
  }

  @Override
  public Set<String> flags() {
    return Set.of("--strict");
  }

  @Override
  public int run(Arguments args, PrintStream out, PrintStream err) throws Arguments.UsageException {
    String config = args.value("--config");
    String classPath =
        args.value("--classpath") != null ? args.value("--classpath") : args.value("-cp");
    boolean strict = args.flag("--strict");
    boolean json = args.json();
    if (!args.words().isEmpty()) {
      throw new Arguments.UsageException("unexpected argument '" + args.words().get(0) + "'");
    }
    if (classPath == null) {
      throw new Arguments.UsageException(
          "--classpath is required (--config too, when rules are in a file)");
    }
    AgentConfig agentConfig;
    try {
      // Without --config: annotations only, as an agent started without a properties file.
      agentConfig =
          AgentConfig.load(
              null, config == null ? Map.of() : Map.of("depcache.config", config), Map.of());
    } catch (ConfigException e) {
      if (json) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("ok", false);
        result.put("configuration", e.getMessage());
        out.println(Output.json(result));
      } else {
        out.println("BROKEN configuration; the agent would not install:");
        out.println(e.getMessage());
      }
      return 1;
    }
    List<ClassFileLocator> locators = new ArrayList<>();
    TreeSet<String> classNames = new TreeSet<>();
    List<JarFile> jars = new ArrayList<>();
    try {
      for (Path entry : entries(classPath)) {
        if (Files.isDirectory(entry)) {
          locators.add(new ClassFileLocator.ForFolder(entry.toFile()));
          try (Stream<Path> files = Files.walk(entry)) {
            files
                .filter(f -> f.toString().endsWith(".class"))
                .forEach(f -> addClass(entry.relativize(f).toString(), classNames));
          }
        } else if (Files.isRegularFile(entry)) {
          JarFile jar = new JarFile(entry.toFile());
          jars.add(jar);
          locators.add(new ClassFileLocator.ForJarFile(jar));
          for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements(); ) {
            String name = e.nextElement().getName();
            if (!name.startsWith("META-INF/")) {
              addClass(name, classNames);
            }
          }
        } else {
          err.println("check: class path entry " + entry + " does not exist");
          return 2;
        }
      }
      // The API's annotations must resolve, or the pool drops them from every method.
      Path api = apiJar();
      if (api != null) {
        JarFile jar = new JarFile(api.toFile());
        jars.add(jar);
        locators.add(new ClassFileLocator.ForJarFile(jar));
      }
      locators.add(ClassFileLocator.ForClassLoader.of(CheckCommand.class.getClassLoader()));
      locators.add(ClassFileLocator.ForClassLoader.ofPlatformLoader());
      TypePool pool =
          new TypePool.Default.WithLazyResolution(
              new TypePool.CacheProvider.Simple(),
              new ClassFileLocator.Compound(locators),
              TypePool.Default.ReaderMode.EXTENDED);
      DryRun.Report report =
          DryRun.run(
              pool, List.copyOf(classNames), agentConfig.targets(), agentConfig.invalidations());
      return json
          ? printJson(report, agentConfig, out, strict)
          : print(report, agentConfig, out, strict);
    } catch (IOException e) {
      err.println("check: cannot read the class path: " + e);
      return 2;
    } finally {
      for (JarFile jar : jars) {
        try {
          jar.close();
        } catch (IOException ignored) {
          // read-only; nothing to lose
        }
      }
    }
  }

  /** The API classes inside the agent jar, copied out; {@code null} outside the packaged jar. */
  private static Path apiJar() throws IOException {
    try (java.io.InputStream in =
        CheckCommand.class.getResourceAsStream("/META-INF/depcache/bootstrap.jar")) {
      if (in == null) {
        return null;
      }
      Path jar = Files.createTempFile("depcache-check-api-", ".jar");
      jar.toFile().deleteOnExit();
      Files.copy(in, jar, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      return jar;
    }
  }

  /** Splits the class path; {@code dir/*} stands for every jar in {@code dir}, as for java. */
  private static List<Path> entries(String classPath) throws IOException {
    List<Path> entries = new ArrayList<>();
    for (String item : classPath.split(File.pathSeparator)) {
      if (item.isBlank()) {
        continue;
      }
      if (item.endsWith("*")) {
        Path dir = Path.of(item.substring(0, item.length() - 1));
        try (Stream<Path> files = Files.list(dir.toString().isEmpty() ? Path.of(".") : dir)) {
          files.filter(f -> f.toString().endsWith(".jar")).sorted().forEach(entries::add);
        }
      } else {
        entries.add(Path.of(item));
      }
    }
    return entries;
  }

  private static void addClass(String path, TreeSet<String> classNames) {
    String name = path.replace(File.separatorChar, '/');
    if (!name.endsWith(".class")
        || name.endsWith("module-info.class")
        || name.endsWith("package-info.class")) {
      return;
    }
    classNames.add(name.substring(0, name.length() - ".class".length()).replace('/', '.'));
  }

  private static int printJson(
      DryRun.Report report, AgentConfig config, PrintStream out, boolean strict) {
    int broken = 0;
    int warnings = report.unreadable().size();
    List<Object> sections = new ArrayList<>();
    for (DryRun.Section section : report.sections()) {
      if (!section.rule() && section.matches().isEmpty() && section.unfit().isEmpty()) {
        continue;
      }
      List<Object> matches = new ArrayList<>();
      for (DryRun.Match match : section.matches()) {
        Map<String, Object> one = new LinkedHashMap<>();
        one.put("method", match.method());
        one.put("action", match.action());
        one.put("error", match.problem());
        broken += match.problem() != null ? 1 : 0;
        matches.add(one);
      }
      warnings += section.unfit().size();
      boolean matchesNothing = section.rule() && section.matches().isEmpty();
      warnings += matchesNothing ? 1 : 0;
      Map<String, Object> one = new LinkedHashMap<>();
      one.put("title", section.title());
      one.put("matches", matches);
      one.put("unfit", section.unfit());
      one.put("notes", section.notes());
      one.put("matchesNothing", matchesNothing);
      sections.add(one);
    }
    boolean fails = broken > 0 || (strict && warnings > 0);
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("ok", !fails);
    result.put("targetRules", config.targets().size());
    result.put("invalidationRules", config.invalidations().size());
    result.put("classesScanned", report.classesScanned());
    result.put("errors", broken);
    result.put("warnings", warnings);
    result.put("unreadable", report.unreadable());
    result.put("sections", sections);
    out.println(Output.json(result));
    return fails ? 1 : 0;
  }

  private static int print(
      DryRun.Report report, AgentConfig config, PrintStream out, boolean strict) {
    int broken = 0;
    int warnings = 0;
    out.println(
        "depcache check: "
            + config.targets().size()
            + " target rule(s), "
            + config.invalidations().size()
            + " invalidation rule(s), "
            + report.classesScanned()
            + " classes scanned");
    for (DryRun.Section section : report.sections()) {
      if (!section.rule() && section.matches().isEmpty() && section.unfit().isEmpty()) {
        continue;
      }
      out.println();
      out.println(section.title());
      for (DryRun.Match match : section.matches()) {
        out.println("  " + match.method() + "  " + match.action());
        if (match.problem() != null) {
          out.println("    ERROR " + match.problem());
          broken++;
        }
      }
      for (String unfit : section.unfit()) {
        out.println("  WARNING cannot be instrumented: " + unfit);
        warnings++;
      }
      for (String note : section.notes()) {
        out.println("  note " + note);
      }
      if (section.rule() && section.matches().isEmpty()) {
        out.println("  WARNING matches no method that it can cache or instrument");
        warnings++;
      }
    }
    for (String unreadable : report.unreadable()) {
      out.println("WARNING could not read " + unreadable);
      warnings++;
    }
    out.println();
    boolean fails = broken > 0 || (strict && warnings > 0);
    out.println(
        (fails ? "BROKEN: " : "OK: ")
            + broken
            + " error(s), "
            + warnings
            + " warning(s)"
            + (strict ? " (--strict: warnings fail)" : ""));
    return fails ? 1 : 0;
  }
}
