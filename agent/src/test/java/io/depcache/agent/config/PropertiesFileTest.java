package io.depcache.agent.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PropertiesFileTest {
  @TempDir Path dir;

  private final Problems problems = new Problems();

  private List<Setting> parse(String text) {
    return PropertiesFile.parse(text, "f.properties", problems);
  }

  @Test
  void readsTheThreeSeparatorsAndSkipsComments() {
    List<Setting> settings =
        parse("# comment\n! also a comment\n\na=1\nb: 2\nc 3\n  d =  4  \ne\n");

    assertThat(settings)
        .containsExactly(
            new Setting("a", "1", "file f.properties, line 4"),
            new Setting("b", "2", "file f.properties, line 5"),
            new Setting("c", "3", "file f.properties, line 6"),
            new Setting("d", "4", "file f.properties, line 7"),
            new Setting("e", "", "file f.properties, line 8"));
    assertThat(problems.isEmpty()).isTrue();
  }

  @Test
  void continuationKeepsTheLineWhereTheEntryStarts() {
    List<Setting> settings = parse("x=1\nlist=a,\\\n    b,\\\r\n    c\ny=2\r\n");

    assertThat(settings)
        .containsExactly(
            new Setting("x", "1", "file f.properties, line 1"),
            new Setting("list", "a,b,c", "file f.properties, line 2"),
            new Setting("y", "2", "file f.properties, line 5"));
  }

  @Test
  void doubledBackslashAtTheEndIsNoContinuation() {
    assertThat(parse("path=C:\\\\\nnext=1\n"))
        .containsExactly(
            new Setting("path", "C:\\", "file f.properties, line 1"),
            new Setting("next", "1", "file f.properties, line 2"));
  }

  @Test
  void commentLinesEndingInBackslashDoNotContinue() {
    assertThat(parse("# comment \\\na=1\n"))
        .containsExactly(new Setting("a", "1", "file f.properties, line 2"));
  }

  @Test
  void decodesStandardEscapesInKeysAndValues() {
    assertThat(parse("my\\ key\\=x=tab\\there\\u00e9\\:\\#\n"))
        .containsExactly(new Setting("my key=x", "tab\there\u00e9:#", "file f.properties, line 1"));
  }

  @Test
  void malformedUnicodeEscapeIsAProblemWithItsLine() {
    parse("a=1\nb=\\u12\n");

    assertThat(problems.size()).isEqualTo(1);
    assertThatProblem().contains("malformed \\uXXXX escape").contains("line 2");
  }

  @Test
  void readsUtf8AndFallsBackToIsoLatin1() throws Exception {
    Path utf8 = dir.resolve("utf8.properties");
    Files.writeString(utf8, "depcache.prefix=caf\u00e9\n", StandardCharsets.UTF_8);
    Path latin1 = dir.resolve("latin1.properties");
    Files.write(latin1, "depcache.prefix=caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));

    assertThat(PropertiesFile.read(utf8.toString(), "test", problems).get(0).value())
        .isEqualTo("caf\u00e9");
    assertThat(PropertiesFile.read(latin1.toString(), "test", problems).get(0).value())
        .isEqualTo("caf\u00e9");
  }

  @Test
  void missingFileNamesThePathAndWhoNamedIt() {
    Path missing = dir.resolve("nope.properties");

    assertThat(PropertiesFile.read(missing.toString(), "agent argument config", problems))
        .isEmpty();
    assertThatProblem()
        .isEqualTo(
            "depcache.config names a file that does not exist: "
                + missing
                + " (agent argument config)");
  }

  @Test
  void directoryIsAnUnreadableFile() {
    PropertiesFile.read(dir.toString(), "system property -Ddepcache.config", problems);

    assertThatProblem()
        .startsWith("depcache.config names a file that cannot be read: " + dir)
        .endsWith("(system property -Ddepcache.config)");
  }

  private org.assertj.core.api.AbstractStringAssert<?> assertThatProblem() {
    try {
      problems.throwIfAny();
    } catch (ConfigException e) {
      return assertThat(e.problems().get(0));
    }
    throw new AssertionError("no problem reported");
  }
}
