package io.depcache.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** A cached value fits a method's generic return type, checked deeply and within a budget. */
class ValueShapeTest {
  /** Return types to check values against; the bodies never run. */
  @SuppressWarnings("unused")
  abstract static class Returns<C extends Number> {
    abstract List<Long> longs();

    abstract LinkedList<Long> linkedLongs();

    abstract Set<String> strings();

    abstract Map<String, Long> totals();

    abstract TreeMap<Long, List<String>> nested();

    abstract Optional<Long> best();

    abstract Optional<List<Long>> bestList();

    abstract List<Long>[] arrays();

    abstract Long[] boxed();

    abstract List<? extends Number> numbers();

    abstract List<? super Long> supers();

    abstract List<?> anything();

    abstract <T extends CharSequence> List<T> chars();

    abstract List<C> classBound();

    abstract <T extends Comparable<T>> List<T> recursive();

    abstract LongList subclass();

    @SuppressWarnings("rawtypes")
    abstract List raw();

    abstract int primitive();

    abstract Object object();
  }

  /** A collection that says its element type through its superclass. */
  static class LongList extends ArrayList<Long> {
    private static final long serialVersionUID = 1L;
  }

  @Test
  void collectionsAreCheckedElementByElementAndNullsFit() {
    assertThat(fits("longs", new ArrayList<>(List.of(1L, 2L)))).isTrue();
    assertThat(fits("longs", Arrays.asList(1L, null))).isTrue();
    assertThat(fits("longs", new ArrayList<>(List.of(1L, 2)))).isFalse();
    assertThat(fits("longs", List.of("a"))).isFalse();
    assertThat(fits("longs", Set.of(1L))).as("not a List").isFalse();
    assertThat(fits("linkedLongs", new LinkedList<>(List.of(1L, 2)))).isFalse();
    assertThat(fits("strings", Set.of("a", "b"))).isTrue();
    assertThat(fits("strings", Set.of("a", 2))).isFalse();
  }

  @Test
  void mapsAreCheckedKeyByKeyAndValueByValueRecursively() {
    assertThat(fits("totals", Map.of("a", 1L))).isTrue();
    assertThat(fits("totals", Map.of("a", 1))).isFalse();
    assertThat(fits("totals", Map.of(1, 1L))).isFalse();
    Map<String, Long> nullValue = new HashMap<>();
    nullValue.put("a", null);
    assertThat(fits("totals", nullValue)).isTrue();
    assertThat(fits("nested", new TreeMap<>(Map.of(1L, List.of("a"))))).isTrue();
    assertThat(fits("nested", new TreeMap<>(Map.of(1L, List.of(2))))).isFalse();
    assertThat(fits("nested", Map.of(1L, List.of("a")))).as("not a TreeMap").isFalse();
  }

  @Test
  void optionalsAreCheckedByTheirContent() {
    assertThat(fits("best", Optional.of(1L))).isTrue();
    assertThat(fits("best", Optional.empty())).isTrue();
    assertThat(fits("best", Optional.of(1))).isFalse();
    assertThat(fits("best", 1L)).isFalse();
    assertThat(fits("bestList", Optional.of(List.of(1L)))).isTrue();
    assertThat(fits("bestList", Optional.of(List.of(1)))).isFalse();
  }

  @Test
  void arraysAreCheckedByComponent() {
    @SuppressWarnings("unchecked")
    List<Long>[] good = new List[] {List.of(1L), null};
    @SuppressWarnings("unchecked")
    List<Long>[] bad = new List[] {List.of(1L), List.of(2)};
    assertThat(fits("arrays", good)).isTrue();
    assertThat(fits("arrays", bad)).isFalse();
    assertThat(fits("arrays", new Object[] {List.of(1L)})).as("not a List[]").isFalse();
    assertThat(fits("boxed", new Long[] {1L})).isTrue();
    assertThat(fits("boxed", new Integer[] {1})).isFalse();
  }

  @Test
  void wildcardsAndTypeVariablesCountAsTheirBound() {
    assertThat(fits("numbers", List.of(1, 2L, 3.0))).isTrue();
    assertThat(fits("numbers", List.of("a"))).isFalse();
    assertThat(fits("supers", List.of("a"))).as("? super Long is bounded by Object").isTrue();
    assertThat(fits("anything", List.of("a", 1))).isTrue();
    assertThat(fits("chars", List.of("a", new StringBuilder("b")))).isTrue();
    assertThat(fits("chars", List.of(1))).isFalse();
    assertThat(fits("classBound", List.of(1, 2L))).isTrue();
    assertThat(fits("classBound", List.of("a"))).isFalse();
    assertThat(fits("recursive", List.of("a", 1))).as("Comparable, without looping").isTrue();
    assertThat(fits("recursive", List.of(new Object()))).isFalse();
  }

  @Test
  void aSubclassSaysItsElementTypeThroughItsSuperclass() {
    LongList good = new LongList();
    good.add(1L);
    assertThat(fits("subclass", good)).isTrue();
    LongList bad = new LongList();
    @SuppressWarnings({"unchecked", "rawtypes"})
    List<Object> polluted = (List) bad;
    polluted.add(1);
    assertThat(fits("subclass", bad)).isFalse();
  }

  @Test
  void typesWithoutArgumentsAreCheckedByClassAlone() {
    assertThat(shape("raw").deep()).isFalse();
    assertThat(fits("raw", List.of("a", 1))).isTrue();
    assertThat(fits("raw", Set.of())).isFalse();
    assertThat(fits("primitive", 1)).isTrue();
    assertThat(fits("primitive", 1L)).isFalse();
    assertThat(shape("object")).isSameAs(ValueShape.ANY);
    assertThat(shape("anything").deep()).isFalse();
    assertThat(shape("longs").deep()).isTrue();
  }

  @Test
  void theWorkIsBoundedAndThePartBeyondTheBudgetIsTrusted() {
    List<Object> early = new ArrayList<>(Collections.nCopies(ValueShape.BUDGET, 1L));
    early.set(ValueShape.BUDGET - 1, 1);
    assertThat(fits("longs", early)).as("the last element within the budget").isFalse();
    List<Object> late = new ArrayList<>(Collections.nCopies(ValueShape.BUDGET, 1L));
    late.add(1);
    assertThat(fits("longs", late)).as("the first element beyond the budget").isTrue();
    // Nested parts spend from the same budget: a key and a value per entry.
    Map<Long, List<?>> wide = new TreeMap<>();
    for (long i = 0; i < ValueShape.BUDGET; i++) {
      wide.put(i, List.of("a"));
    }
    wide.put(Long.MAX_VALUE, List.of(2));
    assertThat(fits("nested", wide)).isTrue();
  }

  @Test
  void theMisfitNamesThePartThatDoesNotFit() {
    assertThat(shape("nested").misfit(new TreeMap<>(Map.of(1L, List.of(2)))))
        .isEqualTo(Integer.class);
    assertThat(shape("best").misfit(Optional.of(1))).isEqualTo(Integer.class);
    assertThat(shape("longs").misfit(Set.of(1L))).isEqualTo(Set.of(1L).getClass());
  }

  private static boolean fits(String method, Object value) {
    return shape(method).fit(value, ValueShape.BUDGET) != ValueShape.MISFIT;
  }

  private static ValueShape shape(String method) {
    for (var m : Returns.class.getDeclaredMethods()) {
      if (m.getName().equals(method)) {
        return ValueShape.of(m.getGenericReturnType());
      }
    }
    throw new AssertionError("no method " + method);
  }
}
