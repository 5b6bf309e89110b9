package io.depcache.agent.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class KeyLayoutTest {
  private static final String NS = KeyLayout.namespace("p", "m");

  /** Every key a user text can give, and every internal key built on it. */
  private static List<String> keysOf(String text) {
    String entry = KeyLayout.entryKey(NS, text);
    String dependency = KeyLayout.dependencyKey(NS, text);
    return List.of(
        entry,
        dependency,
        KeyLayout.fenceKey(entry),
        KeyLayout.fenceKey(dependency),
        KeyLayout.leaseKey(entry),
        KeyLayout.drainingKey(dependency),
        KeyLayout.detachedKey(dependency, "u"));
  }

  @Test
  void noTextNamesAnInternalKeyOfAnother() {
    // The attack: a dependency rendered from an argument ending in "\0draining" or "\0fence".
    for (String suffix :
        List.of("\u0000draining", "\u0000fence", "\u0000lease", "\u0000invalidating:u")) {
      assertThat(keysOf("user:42" + suffix)).doesNotContainAnyElementsOf(keysOf("user:42"));
    }
  }

  @Test
  void distinctTextsNeverShareAKey() {
    Random random = new Random(42);
    char[] alphabet = {'a', ':', '\u0000', '\u0001', 'h', '0', '1', 'e', 'f', '\uD83D', '\uDE00'};
    Map<String, String> owner = new HashMap<>();
    List<String> texts = new ArrayList<>();
    for (int n = 0; n < 20_000; n++) {
      StringBuilder text = new StringBuilder();
      int length = random.nextInt(n % 10 == 0 ? 1_300 : 12);
      for (int i = 0; i < length; i++) {
        text.append(alphabet[random.nextInt(alphabet.length)]);
      }
      texts.add(text.toString());
    }
    texts.add("user:42");
    for (String word : List.of("draining", "fence", "lease", "invalidating:u")) {
      texts.add("user:42\u0000" + word);
    }
    texts.add("user:42\u0001" + "0draining"); // what escaping "\0" yields, written by hand
    for (String text : texts) {
      for (String key : keysOf(text)) {
        String before = owner.putIfAbsent(key, text);
        assertThat(before == null || before.equals(text))
            .as("%s and %s share %s", escape(before), escape(text), escape(key))
            .isTrue();
      }
    }
  }

  @Test
  void theEntryKeyInUtf8IsTheEntryKeyEncoded() {
    String entryKeys = KeyLayout.entryKeysOf(NS);
    byte[] entryKeysUtf8 = entryKeys.getBytes(UTF_8);
    Random random = new Random(7);
    char[] alphabet = {
      'a', ':', '(', '\u0000', '\u0001', '\u0002', '\u007f', '\u0080', '\u00e9', '\uD83D'
    };
    List<String> keys = new ArrayList<>(List.of("", "user:42", "x".repeat(1024), "x".repeat(1025)));
    for (int n = 0; n < 5_000; n++) {
      StringBuilder key = new StringBuilder();
      int length = random.nextInt(n % 50 == 0 ? 1_100 : 16);
      for (int i = 0; i < length; i++) {
        key.append(alphabet[random.nextInt(alphabet.length)]);
      }
      keys.add(key.toString());
    }
    for (String key : keys) {
      assertThat(KeyLayout.entryKeyUtf8(entryKeys, entryKeysUtf8, key))
          .as(escape(key))
          .isEqualTo(KeyLayout.entryKey(NS, key).getBytes(UTF_8));
    }
  }

  @Test
  void plainTextIsKeptAsItIsAndLongTextIsBounded() {
    assertThat(KeyLayout.entryKey(NS, "user:42")).isEqualTo(NS + "e:user:42");
    String huge = "d".repeat(1_000_000);

    String key = KeyLayout.dependencyKey(NS, huge);

    assertThat(key.length()).isLessThan(NS.length() + 2 + KeyLayout.HEAD_LENGTH + 70);
    assertThat(key).startsWith(NS + "d:" + "d".repeat(KeyLayout.HEAD_LENGTH));
    assertThat(KeyLayout.dependencyKey(NS, huge)).isEqualTo(key);
    assertThat(KeyLayout.dependencyKey(NS, huge + "x")).isNotEqualTo(key);
  }

  private static String escape(String s) {
    return s == null ? null : s.replace("\u0000", "\\0").replace("\u0001", "\\1");
  }
}
