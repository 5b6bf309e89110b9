package io.depcache.agent.serial;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Reading an entry stops after {@value ReadingTime#BUDGET_MILLIS} ms of CPU, whatever its shape.
 */
class ReadingTimeTest {
  private final JavaSerializer serializer = new JavaSerializer(new AllowList());

  /** Distinct lists [i, c - 31 i] share one hash code: each insertion compares with all before. */
  private static Set<List<Integer>> collidingLists(int count) {
    Set<List<Integer>> set = new HashSet<>();
    for (int i = 0; i < count; i++) {
      set.add(new ArrayList<>(List.of(i, 1_000_000 - 31 * i)));
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
    // 289 KB: read to the end it takes 1.2 to 1.8 s here; the budget refuses it after about 200 ms
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
