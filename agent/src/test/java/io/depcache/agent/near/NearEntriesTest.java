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
    assertThat(entries.fillLooked("k", new byte[] {1}, List.of("d"), epoch)).isFalse();
    assertThat(entries.get("k")).isNull();

    long after = entries.epoch();
    assertThat(entries.fillLooked("k", new byte[] {1}, List.of("d"), after)).isTrue();
    assertThat(entries.get("k")).isNotNull();
  }

  @Test
  void aWrittenFillComputedBeforeAnAppliedInvalidationIsRefused() {
    entries.dropDependencies(List.of("other"), 7); // applied, store sequence 7 after it
    assertThat(entries.fillWritten("k", new byte[] {1}, List.of("d"), 6)).isFalse();
    assertThat(entries.get("k")).isNull();
    assertThat(entries.fillWritten("k", new byte[] {1}, List.of("d"), 7)).isTrue();
    assertThat(entries.get("k")).isNotNull();
  }

  @Test
  void aFillBeforeTheDropIsRemovedByItThroughTheIndex() {
    assertThat(entries.fillLooked("k", new byte[] {1}, List.of("d", "e"), entries.epoch()))
        .isTrue();
    entries.dropDependencies(List.of("e"), 1);
    assertThat(entries.get("k")).isNull();
    assertThat(entries.indexedDependencies()).isZero();
  }

  @Test
  void aClearAtSubscriptionRefusesWrittenFillsOlderThanTheSequenceItRead() {
    entries.clear(42);
    assertThat(entries.fillWritten("k", new byte[] {1}, List.of("d"), 41)).isFalse();
    assertThat(entries.fillWritten("k", new byte[] {1}, List.of("d"), 42)).isTrue();
  }
}
