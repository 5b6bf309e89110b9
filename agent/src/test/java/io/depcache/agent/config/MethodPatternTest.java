package io.depcache.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class MethodPatternTest {
  @Test
  void anExactPatternMatchesOneTypeMethodAndParameterList() {
    MethodPattern p = MethodPattern.parse("com.example.UserService#getProfile(java.lang.String)");
    assertThat(p.matchesType("com.example.UserService")).isTrue();
    assertThat(p.matchesType("com.example.UserServiceImpl")).isFalse();
    assertThat(p.matchesType("com.exampleXUserService")).isFalse();
    assertThat(p.matchesMethod("getProfile")).isTrue();
    assertThat(p.matchesMethod("getProfiles")).isFalse();
    assertThat(p.matchesParameters(List.of("java.lang.String"))).isTrue();
    assertThat(p.matchesParameters(List.of("java.lang.Object"))).isFalse();
    assertThat(p.matchesParameters(List.of())).isFalse();
    assertThat(p.subtypes()).isFalse();
  }

  @Test
  void oneStarStaysWithinASegmentAndTwoCrossSegments() {
    MethodPattern one = MethodPattern.parse("com.example.legacy.*Dao#find*(..)");
    assertThat(one.matchesType("com.example.legacy.UserDao")).isTrue();
    assertThat(one.matchesType("com.example.legacy.sub.UserDao")).isFalse();
    assertThat(one.matchesMethod("find")).isTrue();
    assertThat(one.matchesMethod("findAll")).isTrue();
    assertThat(one.matchesMethod("refind")).isFalse();
    assertThat(one.matchesParameters(List.of("int", "long"))).isTrue();

    MethodPattern two = MethodPattern.parse("com.example.**#load()");
    assertThat(two.matchesType("com.example.A")).isTrue();
    assertThat(two.matchesType("com.example.deep.er.A")).isTrue();
    assertThat(two.matchesType("com.other.A")).isFalse();
    assertThat(two.matchesParameters(List.of())).isTrue();
    assertThat(two.matchesParameters(List.of("int"))).isFalse();

    MethodPattern middle = MethodPattern.parse("com.**.Dao#x");
    assertThat(middle.matchesType("com.Dao")).isTrue();
    assertThat(middle.matchesType("com.a.b.Dao")).isTrue();
    assertThat(middle.matchesType("com.a.b.XDao")).isFalse();
  }

  @Test
  void nestedClassesArraysVarargsAndPrimitivesAreSpelledAsJavaNamesThem() {
    MethodPattern p =
        MethodPattern.parse("com.example.Outer$Inner#lookup(byte[], int, java.lang.String...)");
    assertThat(p.matchesType("com.example.Outer$Inner")).isTrue();
    assertThat(p.matchesType("com.example.Outer")).isFalse();
    assertThat(p.matchesParameters(List.of("byte[]", "int", "java.lang.String[]"))).isTrue();
    assertThat(p.matchesParameters(List.of("byte", "int", "java.lang.String[]"))).isFalse();
    assertThat(p.matchesParameters(List.of("byte[][]", "int", "java.lang.String[]"))).isFalse();
  }

  @Test
  void omittedParametersMatchAnyAndPlusMeansSubtypes() {
    MethodPattern p = MethodPattern.parse("com.example.Repo+#find*");
    assertThat(p.subtypes()).isTrue();
    assertThat(p.typeText()).isEqualTo("com.example.Repo");
    assertThat(p.matchesType("com.example.Repo")).isTrue();
    assertThat(p.matchesParameters(List.of("long", "int"))).isTrue();
  }

  @Test
  void malformedPatternsSayWhatIsWrong() {
    assertThatThrownBy(() -> MethodPattern.parse("com.example.A.b"))
        .hasMessageContaining("exactly one '#'");
    assertThatThrownBy(() -> MethodPattern.parse("com.example.A#b#c"))
        .hasMessageContaining("exactly one '#'");
    assertThatThrownBy(() -> MethodPattern.parse("#save")).hasMessageContaining("the type ''");
    assertThatThrownBy(() -> MethodPattern.parse("com..A#b")).hasMessageContaining("the type");
    assertThatThrownBy(() -> MethodPattern.parse("com.A#")).hasMessageContaining("the method ''");
    assertThatThrownBy(() -> MethodPattern.parse("com.A#<init>()"))
        .hasMessageContaining("the method '<init>'");
    assertThatThrownBy(() -> MethodPattern.parse("com.A#b(int"))
        .hasMessageContaining("must end with");
    assertThatThrownBy(() -> MethodPattern.parse("com.A#b(int))"))
        .hasMessageContaining("must end with");
    assertThatThrownBy(() -> MethodPattern.parse("com.A#b(int,)"))
        .hasMessageContaining("the parameter type ''");
    assertThatThrownBy(() -> MethodPattern.parse("com.A#b(java.util.List<String>)"))
        .hasMessageContaining("java.util.List<String>");
  }
}
