package io.depcache.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The README's {@code ACL SETUSER depcache ...} lines, word for word, so that tests run as the user
 * the README tells operators to make: a line is picked by a rule only it has (e.g. {@code
 * ~{*}depcache:*} for the cluster's, {@code +ssubscribe} for the cluster's near cache), and {@link
 * #forPrefix} puts a test's own prefix in its key and channel patterns, as the README tells users
 * of another {@code depcache.prefix} to.
 */
public final class ReadmeAcl {
  private static final Pattern LINE =
      Pattern.compile("^ACL SETUSER depcache (.*)$", Pattern.MULTILINE);

  private ReadmeAcl() {}

  /**
   * The rules of the first README line that has {@code rule}.
   *
   * @param rule a rule of the line, e.g. {@code +ssubscribe}
   * @return its rules, the words after {@code ACL SETUSER depcache}
   * @throws AssertionError when no line has it
   */
  public static List<String> lineWith(String rule) {
    Matcher line = LINE.matcher(readme());
    while (line.find()) {
      List<String> rules = Arrays.asList(line.group(1).trim().split(" +"));
      if (rules.contains(rule)) {
        return rules;
      }
    }
    throw new AssertionError("the README has no ACL SETUSER depcache line with " + rule);
  }

  /** The password the README's first line gives the user ({@code >change-me}). */
  public static String password() {
    Matcher line = LINE.matcher(readme());
    if (!line.find()) {
      throw new AssertionError("the README has no ACL SETUSER depcache line");
    }
    return Arrays.stream(line.group(1).split(" +"))
        .filter(w -> w.startsWith(">"))
        .findFirst()
        .orElseThrow(() -> new AssertionError("the README's first ACL line has no >password"))
        .substring(1);
  }

  /**
   * {@code rules} with {@code depcache} replaced by {@code prefix} in the key and channel patterns
   * ({@code ~depcache:*} to {@code ~prefix:*}, {@code &{*}depcache:*} to {@code &{*}prefix:*}).
   */
  public static List<String> forPrefix(List<String> rules, String prefix) {
    return rules.stream()
        .map(r -> r.startsWith("~") || r.startsWith("&") ? r.replace("depcache:", prefix + ":") : r)
        .toList();
  }

  /** The README of the repository; tests run in a module's directory, beside it. */
  private static String readme() {
    Path readme = Path.of("").toAbsolutePath().resolveSibling("README.md");
    try {
      return Files.readString(readme);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + readme, e);
    }
  }
}
