package io.depcache.agent.serial;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Reading an entry stops after {@value ReadingTime#BUDGET_MILLIS} ms of CPU, whatever its shape and
 * whichever serializer wrote it.
 */
@ParameterizedClass
@EnumSource(Formats.class)
class ReadingTimeTest {
  @Parameter Formats format;

  private Serializer serializer;

  @BeforeEach
  void createSerializer() {
    serializer = format.create(new AllowList());
  }

  /**
   * Distinct lists [i, c - 31 i] share one hash code: each insertion while the set is read compares
   * with all before. Built as [i, 0] and changed once in the set, so that building it costs no such
   * comparisons: the set is only written, and writing iterates.
   */
  static Set<List<Integer>> collidingLists(int count) {
    Set<List<Integer>> set = new HashSet<>();
    List<List<Integer>> lists = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      List<Integer> list = new ArrayList<>(List.of(i, 0));
      set.add(list);
      lists.add(list);
    }
    for (int i = 0; i < count; i++) {
      lists.get(i).set(1, 1_000_000 - 31 * i);
    }
    return set;
  }

  private void warmUp() {
    byte[] small = serializer.serialize(List.of(1, 2, 3));
    for (int i = 0; i < ReadingTime.WARM_UP_READS; i++) {
      serializer.deserialize(small, null);
    }
  }

  @Test
  void aSetOfValuesWithOneHashCodeIsRefusedOnceItsReadingTakesTooLong() {
    warmUp();
    // java: 289 KB, read to the end in 0.9 to 1.8 s here, refused after about 200 ms; kryo: 72 KB,
    // 0.5 to 0.6 s, refused after about 85 ms
    byte[] bomb = serializer.serialize(collidingLists(8_000));

    assertTimeoutPreemptively(
        Duration.ofSeconds(2),
        () ->
            assertThatThrownBy(() -> serializer.deserialize(bomb, null))
                .isInstanceOf(CorruptEntryException.class)
                .hasMessageContaining("reading took more than")
                .hasMessageContaining("ms of CPU"));
  }

  @Test
  void aLargeOrdinaryValueStillReadsBack() {
    warmUp();
    List<List<Integer>> rows = new ArrayList<>();
    for (int i = 0; i < 20_000; i++) {
      rows.add(List.of(i, i + 1, i + 2));
    }
    byte[] bytes = serializer.serialize(rows);

    assertThat(serializer.deserialize(bytes, null)).isEqualTo(rows);
  }
}
