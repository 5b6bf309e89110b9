package io.depcache.agent.near;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The fences that refuse a near fill which an applied invalidation may have made stale. */
class NearEntriesTest {
  private final NearEntries entries = new NearEntries(100, 60);

  @Test
  void aLookupFillReadBeforeADropIsRefused() {
    long epoch = entries.epoch();
    entries.dropDependencies(List.of("d"), 5); // the invalidation is applied during the lookup
    assertThat(entries.fillLooked("k", new byte[] {1}, List.of("d"), epoch, null)).isFalse();
    assertThat(entries.get("k")).isNull();

    long after = entries.epoch();
    assertThat(entries.fillLooked("k", new byte[] {1}, List.of("d"), after, null)).isTrue();
    assertThat(entries.get("k")).isNotNull();
  }

  @Test
  void aWrittenFillComputedBeforeAnAppliedInvalidationIsRefused() {
    entries.dropDependencies(List.of("other"), 7); // applied, store sequence 7 after it
    assertThat(entries.fillWritten("k", new byte[] {1}, List.of("d"), 6, null)).isFalse();
    assertThat(entries.get("k")).isNull();
    assertThat(entries.fillWritten("k", new byte[] {1}, List.of("d"), 7, null)).isTrue();
    assertThat(entries.get("k")).isNotNull();
  }

  @Test
  void aFillBeforeTheDropIsRemovedByItThroughTheIndex() {
    assertThat(entries.fillLooked("k", new byte[] {1}, List.of("d", "e"), entries.epoch(), null))
        .isTrue();
    entries.dropDependencies(List.of("e"), 1);
    assertThat(entries.get("k")).isNull();
    assertThat(entries.indexedDependencies()).isZero();
  }

  @Test
  void aClearAtSubscriptionRefusesWrittenFillsOlderThanTheSequenceItRead() {
    entries.clear(42);
    assertThat(entries.fillWritten("k", new byte[] {1}, List.of("d"), 41, null)).isFalse();
    assertThat(entries.fillWritten("k", new byte[] {1}, List.of("d"), 42, null)).isTrue();
  }

  @Test
  void keysUnderAKnownHeadAreStoredSplitThereAndDroppedByTheirWholeKey() {
    String head = "p:default:e:";
    entries.knowHead(head);
    assertThat(entries.fillWritten(head + "k(1)", new byte[] {1}, List.of("d"), 0, null)).isTrue();
    NearEntries.Near near = entries.get(head, "k(1)", System.nanoTime());
    assertThat(near).isNotNull();
    assertThat(near.plainSplit).isEqualTo(head.length());
    assertThat(entries.get(head + "k(1)")).isSameAs(near);

    // a user's key with an escaped character is split too, but not marked plain
    String escaped = head + "k\u0001(2)";
    assertThat(entries.fillWritten(escaped, new byte[] {2}, List.of("d"), 0, null)).isTrue();
    assertThat(entries.get(escaped).plainSplit).isEqualTo(-1);
    // a key under no known head is whole
    assertThat(entries.fillWritten("q:default:e:k", new byte[] {3}, List.of("d"), 0, null))
        .isTrue();
    assertThat(entries.get("q:default:e:k").plainSplit).isEqualTo(-1);

    entries.dropKeys(List.of(head + "k(1)"), 1);
    assertThat(entries.get(head, "k(1)", System.nanoTime())).isNull();
    entries.dropDependencies(List.of("d"), 2);
    assertThat(entries.size()).isZero();
    assertThat(entries.indexedDependencies()).isZero();
  }

  @Test
  void anEntryOlderThanTheTtlIsNotServedAndItsKeyFillsAgain() {
    long[] now = {1_000};
    NearEntries aging = new NearEntries(100, 2, () -> now[0]);
    assertThat(aging.fillWritten("k", new byte[] {1}, List.of("d"), 0, null)).isTrue();
    long twoSeconds = 2_000_000_000L;
    assertThat(aging.get("k", "", now[0] + twoSeconds - 1)).isNotNull();
    assertThat(aging.get("k", "", now[0] + twoSeconds)).isNull();
    now[0] += twoSeconds;
    assertThat(aging.get("k")).isNull();
    assertThat(aging.fillWritten("k", new byte[] {2}, List.of("d"), 0, null)).isTrue();
    assertThat(aging.get("k").value()).containsExactly(2);
    assertThat(aging.size()).isEqualTo(1);
    assertThat(aging.indexedDependencies()).isEqualTo(1);
  }
}
