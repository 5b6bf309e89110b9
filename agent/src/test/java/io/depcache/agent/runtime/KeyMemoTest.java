package io.depcache.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A call repeated with arguments of value types takes the key remembered from an earlier call, the
 * very key rendering gives; any other argument is rendered every time.
 */
class KeyMemoTest {
  private static MethodInfo method(String key, String... parameterTypes) {
    List<String> types = List.of(parameterTypes);
    return new MethodInfo(
        1,
        new MethodSpec(
            "com.example.Service",
            "find",
            types,
            null,
            "java.lang.String",
            "java.lang.String",
            Set.of("com.example"),
            false,
            60,
            List.of(),
            key,
            "",
            List.of(),
            false));
  }

  @Test
  void aRepeatedCallWithValueArgumentsTakesTheSameKeyInstance() {
    MethodInfo info = method("", "long", "java.lang.String");
    String first = info.key(new Object[] {42L, "eu"});
    assertThat(first).isEqualTo("com.example.Service#find(42,\"eu\")");
    // new argument instances, equal to the first: the remembered key, not a new rendering
    assertThat(info.key(new Object[] {Long.valueOf(42), new String("eu")})).isSameAs(first);
  }

  @Test
  void unequalArgumentsGetTheirOwnKeysEvenInTheSameSlot() {
    MethodInfo info = method("", "java.lang.Object");
    // Long 1 and Integer 1 hash alike (same slot) but are unequal: each keeps its own key form
    assertThat(info.key(new Object[] {1L})).isEqualTo("com.example.Service#find(1)");
    assertThat(info.key(new Object[] {1})).isEqualTo("com.example.Service#find(1)");
    assertThat(info.key(new Object[] {"1"})).isEqualTo("com.example.Service#find(\"1\")");
    assertThat(info.key(new Object[] {null})).isEqualTo("com.example.Service#find(null)");
    UUID id = UUID.randomUUID();
    assertThat(info.key(new Object[] {id})).isEqualTo("com.example.Service#find(" + id + ")");
    for (long i = 0; i < 10 * KeyMemo.SLOTS; i++) {
      assertThat(info.key(new Object[] {i})).isEqualTo("com.example.Service#find(" + i + ")");
    }
    assertThat(info.key(new Object[] {"1"})).isEqualTo("com.example.Service#find(\"1\")");
  }

  /** An argument of the user's, whose key form follows its state. */
  static final class Box {
    String content;

    Box(String content) {
      this.content = content;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Box; // every Box equal: a memo by equality would give the old key
    }

    @Override
    public int hashCode() {
      return 0;
    }

    @Override
    public String toString() {
      return "Box[" + content + "]";
    }
  }

  @Test
  void anArgumentOfAnotherTypeIsRenderedEveryTime() {
    MethodInfo info = method("", "com.example.Box");
    Box box = new Box("a");
    String first = info.key(new Object[] {box});
    box.content = "b";
    String second = info.key(new Object[] {box});
    assertThat(second).isNotEqualTo(first).contains("b");
  }

  @Test
  void aKeyTemplateIsRememberedToo() {
    MethodInfo info = method("user:{0}", "long");
    String first = info.key(new Object[] {7L});
    assertThat(first).isEqualTo("user:7");
    assertThat(info.key(new Object[] {7L})).isSameAs(first);
    assertThat(info.key(new Object[] {8L})).isEqualTo("user:8");
  }

  @Test
  void aCallWithALongTextIsNotRemembered() {
    MethodInfo info = method("", "java.lang.String");
    String arg = "x".repeat(KeyMemo.MAX_TEXT + 1);
    String first = info.key(new Object[] {arg});
    assertThat(info.key(new Object[] {arg})).isEqualTo(first).isNotSameAs(first);
  }

  @Test
  void argumentsGivenOneByOneFindTheKeyTheirArrayRendered() {
    MethodInfo info = method("", "java.lang.String", "long", "java.lang.Object");
    assertThat(info.knownKey(3, "eu", 42L, null)).isNull(); // never rendered yet
    String key = info.key(new Object[] {"eu", 42L, null});
    assertThat(info.knownKey(3, new String("eu"), Long.valueOf(42), null)).isSameAs(key);
    assertThat(info.knownKey(3, "eu", 42, null)).as("an Integer is not a Long").isNull();
    assertThat(info.knownKey(3, "eu", 43L, null)).isNull();
    assertThat(info.knownKey(2, "eu", 42L, null)).as("another count of arguments").isNull();
    assertThat(info.knownKey(3, "eu", 42L, new Object())).as("not a value type").isNull();
    MethodInfo none = method("");
    String noArguments = none.key(new Object[0]);
    assertThat(none.knownKey(0, null, null, null)).isSameAs(noArguments);
  }

  @Test
  void aLongOrIntArgumentIsRememberedUnboxedUnderTheKeyOfItsType() {
    MethodInfo ofLong = method("", "long");
    String key = ofLong.key(7L);
    assertThat(key).isEqualTo("com.example.Service#find(7)");
    assertThat(ofLong.key(7L)).isSameAs(key);
    assertThat(ofLong.argument(7)).isEqualTo(7L);
    MethodInfo ofInt = method("{0}", "int");
    assertThat(ofInt.argument(7)).isEqualTo(7);
    for (long i = 0; i < 10 * KeyMemo.SLOTS; i++) {
      assertThat(ofInt.key(i)).isEqualTo(String.valueOf(i));
      assertThat(ofLong.key(-i)).isEqualTo("com.example.Service#find(" + -i + ")");
    }
    assertThat(ofLong.key(7L)).isEqualTo(key);
  }
}
