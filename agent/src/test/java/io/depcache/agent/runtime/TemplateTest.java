package io.depcache.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class TemplateTest {
  record Owner(long id) {}

  record Item(String sku, Owner owner) {}

  enum Color {
    RED
  }

  private static List<String> expand(Template template, Object... args) {
    List<String> out = new ArrayList<>();
    template.expand(args, null, out::add);
    return out;
  }

  @Test
  void rendersIndexNameAndPropertyPaths() throws Exception {
    Template template = Template.parse("item:{0.sku}:{item.owner.id}", List.of("item"), 1, false);
    assertThat(template.render(new Object[] {new Item("A-1", new Owner(7))}, null))
        .isEqualTo("item:A-1:7");
  }

  @Test
  void bracesCanBeEscaped() throws Exception {
    assertThat(Template.parse("{{{0}}}", null, 1, false).render(new Object[] {"x"}, null))
        .isEqualTo("{x}");
  }

  @Test
  void aNamedPlaceholderWithoutParameterNamesIsAClearError() {
    assertThatThrownBy(() -> Template.parse("user:{userId}", null, 1, false))
        .isInstanceOf(TemplateException.class)
        .hasMessageContaining("userId")
        .hasMessageContaining("-parameters")
        .hasMessageContaining("{0}");
  }

  @Test
  void badTemplatesAreErrorsAtParseTime() {
    assertThatThrownBy(() -> Template.parse("user:{1}", null, 1, false))
        .hasMessageContaining("argument 1")
        .hasMessageContaining("1 parameter");
    assertThatThrownBy(() -> Template.parse("user:{id", null, 1, false))
        .hasMessageContaining("closing");
    assertThatThrownBy(() -> Template.parse("user:{0.}", null, 1, false))
        .hasMessageContaining("malformed");
    assertThatThrownBy(() -> Template.parse("user:{nope}", List.of("id"), 1, false))
        .hasMessageContaining("not a parameter");
    assertThatThrownBy(() -> Template.parse("user:{result}", null, 1, false))
        .hasMessageContaining("@Invalidates");
  }

  @Test
  void collectionsExpandElementByElement() throws Exception {
    Template template = Template.parse("user:{0}:{1}", null, 2, false);
    assertThat(expand(template, List.of(1, 2), new String[] {"a", "b"}))
        .containsExactly("user:1:a", "user:1:b", "user:2:a", "user:2:b");
  }

  @Test
  void aPropertyThatDoesNotExistOrMeetsNullDoesNotResolve() throws Exception {
    Template template = Template.parse("{0.owner.id}", null, 1, false);
    assertThatThrownBy(() -> template.render(new Object[] {new Item("x", null)}, null))
        .isInstanceOf(UnresolvableException.class)
        .hasMessageContaining("null");
    Template missing = Template.parse("{0.nothing}", null, 1, false);
    assertThatThrownBy(() -> missing.render(new Object[] {new Owner(1)}, null))
        .isInstanceOf(UnresolvableException.class)
        .hasMessageContaining("nothing");
  }

  @Test
  void keyFormsAreStableAndQuoted() {
    StringBuilder key = new StringBuilder();
    UUID id = UUID.fromString("123e4567-e89b-12d3-a456-426614174000");
    for (Object value :
        new Object[] {
          "a\"b",
          'c',
          1L,
          Color.RED,
          id,
          new Item("s", new Owner(1)),
          Set.of(3, 1, 2),
          new TreeMap<>(Map.of("b", 2, "a", 1)),
          new LinkedHashSet<>(List.of("z", "y")),
          null
        }) {
      KeyForms.appendQuoted(key, value);
      key.append(' ');
    }
    assertThat(key.toString())
        .isEqualTo(
            "\"a\\\"b\" 'c' 1 RED 123e4567-e89b-12d3-a456-426614174000"
                + " Item[sku=\"s\",owner=Owner[id=1]] [1,2,3] {\"a\"=1,\"b\"=2} [\"z\",\"y\"] null ");
  }

  @Test
  void anObjectWithOnlyObjectToStringHasNoKeyForm() {
    assertThatThrownBy(() -> KeyForms.appendQuoted(new StringBuilder(), new Object()))
        .isInstanceOf(UnstableKeyException.class)
        .hasMessageContaining("java.lang.Object");
    Object leaky =
        new Object() {
          @Override
          public String toString() {
            return "Wrapper(" + new Object() + ")";
          }
        };
    assertThatThrownBy(() -> KeyForms.appendQuoted(new StringBuilder(), leaky))
        .isInstanceOf(UnstableKeyException.class)
        .hasMessageContaining("identity hash");
  }

  @Test
  void longKeysAreBoundedWithAHashOfTheWhole() {
    String a = KeyForms.bound("k".repeat(1000));
    String b = KeyForms.bound("k".repeat(999) + "j");
    assertThat(a).hasSizeLessThanOrEqualTo(KeyForms.MAX_KEY_LENGTH).isNotEqualTo(b);
    assertThat(KeyForms.bound("short")).isEqualTo("short");
  }

  @Test
  void noArgumentCanForgeTheBoundedKeyOfAnother() {
    String bounded = KeyForms.bound("k".repeat(1000));
    assertThat(bounded).hasSize(KeyForms.MAX_KEY_LENGTH);

    // The bounded text itself, rendered from a template argument, is bounded again.
    assertThat(KeyForms.bound(bounded)).isNotEqualTo(bounded);
    // Anything shorter is kept, and is not the bounded key either.
    String shorter = bounded.substring(1);
    assertThat(KeyForms.bound(shorter)).isEqualTo(shorter);
  }
}
