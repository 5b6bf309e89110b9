package io.depcache.agent.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What a failover may lose is made again: the new primary (here a store that never saw the
 * invalidation, as a replica promoted before it arrived) loses the entries it should not have.
 */
class FailoverReplayTest {
  private static final String NS = KeyLayout.namespace("depcache", "m");

  @Test
  void invalidationsDeletesAndClearsOfTheWindowAreMadeAgain() {
    MemoryStore newPrimary = new MemoryStore();
    FailoverReplay store = new FailoverReplay(newPrimary);
    String a = KeyLayout.entryKey(NS, "a");
    String b = KeyLayout.entryKey(NS, "b");
    String other = KeyLayout.entryKey(KeyLayout.namespace("depcache", "other"), "c");
    String user = KeyLayout.dependencyKey(NS, "user:1");
    store.invalidate(List.of(user));
    store.delete(List.of(b));
    store.clear(KeyLayout.namespace("depcache", "other"));
    // the promoted replica still holds what those removed from the old primary
    newPrimary.put(a, "stale".getBytes(UTF_8), 60_000, List.of(user));
    newPrimary.put(b, "stale".getBytes(UTF_8), 60_000, List.of());
    newPrimary.put(other, "stale".getBytes(UTF_8), 60_000, List.of());
    long before = newPrimary.lookup(a).sequence();

    assertThat(store.failoverReplays()).isZero();
    store.replay();

    assertThat(store.failoverReplays()).as("a near cache in front empties every JVM's").isOne();
    assertThat(newPrimary.get(a)).isNull();
    assertThat(newPrimary.get(b)).isNull();
    assertThat(newPrimary.get(other)).isNull();
    // and a computation that started before the replay cannot write its stale value
    assertThat(
            newPrimary.putIfUnchangedSince(
                a, "stale".getBytes(UTF_8), 60_000, List.of(user), before, new long[] {before}))
        .isFalse();
  }
}
