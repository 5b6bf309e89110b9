package io.depcache.agent.config;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a properties file like {@link java.util.Properties#load} does, but keeps the line number of
 * every entry so that problems can say {@code file depcache.properties, line 3}.
 *
 * <p>Supported: comments ({@code #}, {@code !}), {@code key=value}, {@code key: value}, {@code key
 * value}, continuation by a trailing backslash, and the escapes {@code \t \n \r \f \\uXXXX} (any
 * other escaped character stands for itself). The file is read as UTF-8, or as ISO-8859-1 (what
 * {@code Properties.load(InputStream)} uses) when it is not valid UTF-8.
 */
final class PropertiesFile {
  private PropertiesFile() {}

  /**
   * Reads the entries of a file; a file that cannot be read is one problem.
   *
   * @param path the path as given (relative paths resolve against the working directory)
   * @param namedBy the source that named the file, for the message
   * @param problems where problems are added
   * @return the entries in file order, values trimmed
   */
  static List<Setting> read(String path, String namedBy, Problems problems) {
    String text;
    try {
      text = decode(Files.readAllBytes(Path.of(path)));
    } catch (NoSuchFileException e) {
      problems.add(
          "depcache.config names a file that does not exist: " + path + " (" + namedBy + ")");
      return List.of();
    } catch (IOException | RuntimeException e) {
      problems.add(
          "depcache.config names a file that cannot be read: "
              + path
              + ": "
              + e.getClass().getSimpleName()
              + (e.getMessage() == null ? "" : " " + e.getMessage())
              + " ("
              + namedBy
              + ")");
      return List.of();
    }
    return parse(text, path, problems);
  }

  static List<Setting> parse(String text, String path, Problems problems) {
    List<Setting> settings = new ArrayList<>();
    String[] lines = text.split("\r\n|\r|\n", -1);
    for (int i = 0; i < lines.length; i++) {
      int startLine = i + 1;
      String line = stripLeading(lines[i]);
      if (line.isEmpty() || line.charAt(0) == '#' || line.charAt(0) == '!') {
        continue;
      }
      StringBuilder logical = new StringBuilder();
      while (endsWithContinuation(line) && i + 1 < lines.length) {
        logical.append(line, 0, line.length() - 1);
        line = stripLeading(lines[++i]);
      }
      if (endsWithContinuation(line)) {
        line = line.substring(0, line.length() - 1);
      }
      logical.append(line);
      String source = "file " + path + ", line " + startLine;
      entry(logical.toString(), source, problems, settings);
    }
    return settings;
  }

  private static void entry(String line, String source, Problems problems, List<Setting> out) {
    int keyEnd = 0;
    while (keyEnd < line.length()) {
      char c = line.charAt(keyEnd);
      if (c == '\\') {
        keyEnd += 2;
        continue;
      }
      if (c == '=' || c == ':' || isWhite(c)) {
        break;
      }
      keyEnd++;
    }
    keyEnd = Math.min(keyEnd, line.length());
    int valueStart = keyEnd;
    while (valueStart < line.length() && isWhite(line.charAt(valueStart))) {
      valueStart++;
    }
    if (valueStart < line.length()
        && (line.charAt(valueStart) == '=' || line.charAt(valueStart) == ':')) {
      valueStart++;
    }
    try {
      String key = unescape(line.substring(0, keyEnd));
      String value = unescape(line.substring(valueStart));
      out.add(new Setting(key.trim(), value.trim(), source));
    } catch (IllegalArgumentException e) {
      problems.add(e.getMessage() + " (" + source + ")");
    }
  }

  private static String unescape(String s) {
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c != '\\' || i + 1 == s.length()) {
        out.append(c);
        continue;
      }
      char next = s.charAt(++i);
      switch (next) {
        case 't' -> out.append('\t');
        case 'n' -> out.append('\n');
        case 'r' -> out.append('\r');
        case 'f' -> out.append('\f');
        case 'u' -> {
          if (i + 4 >= s.length()) {
            throw new IllegalArgumentException("malformed \\uXXXX escape");
          }
          try {
            out.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16));
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException("malformed \\uXXXX escape", e);
          }
          i += 4;
        }
        default -> out.append(next);
      }
    }
    return out.toString();
  }

  private static boolean endsWithContinuation(String line) {
    int backslashes = 0;
    for (int i = line.length() - 1; i >= 0 && line.charAt(i) == '\\'; i--) {
      backslashes++;
    }
    return backslashes % 2 == 1;
  }

  private static String stripLeading(String s) {
    int i = 0;
    while (i < s.length() && isWhite(s.charAt(i))) {
      i++;
    }
    return s.substring(i);
  }

  private static boolean isWhite(char c) {
    return c == ' ' || c == '\t' || c == '\f';
  }

  private static String decode(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      return new String(bytes, StandardCharsets.ISO_8859_1);
    }
  }
}
