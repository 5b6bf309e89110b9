package io.depcache.agent.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.depcache.testing.TestCluster;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link ClusterScripts#runAcknowledged} makes a call again when it cannot tell whether the first
 * run stuck: a {@code WAIT} that a {@code CLUSTER FAILOVER} cut short ({@code UNBLOCKED}, after the
 * script ran and reached the replica that is the primary now), a connection that broke after the
 * script ran. Its reply is lost then, and only the second run's counts: each script must have the
 * outcome of one run when run twice.
 *
 * <p>The detach did not: run again, it found its own set detached already and left it out of the
 * sets to drain (or, when an entry had registered in between, renamed the fresh set over it), so
 * the invalidation returned with its dependents still there. That is what served stale hits in
 * ClusterTopologyChangeIT; this test makes the second run on purpose.
 */
class ClusterScriptRepeatIT {
  private static final byte[] VALUE = "v".getBytes(UTF_8);

  private RedisClusterStore store;
  private String ns;

  @BeforeEach
  void setUp() {
    store =
        RedisClusterStore.connect(
            Arrays.asList(TestCluster.get().nodes().split(",")), 2_000, "repeat:seq");
    ns = KeyLayout.namespace("r" + UUID.randomUUID().toString().substring(0, 8), "m");
  }

  @AfterEach
  void tearDown() {
    store.clear(ns);
    store.close();
  }

  @Test
  void aDetachMadeTwiceStillDrainsWhatItDetached() {
    String dependency = KeyLayout.dependencyKey(ns, "d");
    String entry = KeyLayout.entryKey(ns, "a");
    store.put(entry, VALUE, 60_000, List.of(dependency));

    ClusterInvalidator invalidation = store.invalidator();
    List<ClusterScripts.Call> calls =
        ClusterInvalidator.detachCalls(List.of(dependency), store.nextSequence(), "once");
    invalidation.detach(calls); // its reply lost
    invalidation.drainAll(invalidation.detach(calls));

    assertThat(store.exists(entry)).as("an entry of the set detached by the first run").isFalse();
  }

  @Test
  void aDetachMadeTwiceWithARegistrationBetweenStillDrainsWhatItDetached() {
    String dependency = KeyLayout.dependencyKey(ns, "d");
    String entry = KeyLayout.entryKey(ns, "a");
    String later = KeyLayout.entryKey(ns, "b");
    store.put(entry, VALUE, 60_000, List.of(dependency));

    ClusterInvalidator invalidation = store.invalidator();
    List<ClusterScripts.Call> calls =
        ClusterInvalidator.detachCalls(List.of(dependency), store.nextSequence(), "once");
    invalidation.detach(calls); // its reply lost
    // Read after the fence: registered in the dependency's fresh set.
    store.put(later, VALUE, 60_000, List.of(dependency));
    invalidation.drainAll(invalidation.detach(calls));

    assertThat(store.exists(entry)).as("an entry of the set detached by the first run").isFalse();
    // Fresh (it passed the fence): the second run leaves its set alone, and the next
    // invalidation removes it.
    assertThat(store.exists(later)).isTrue();
    assertThat(store.invalidate(List.of(dependency))).isEqualTo(1);
    assertThat(store.exists(later)).isFalse();
  }

  @Test
  void aRegistrationAndAnUnlinkMadeTwiceHaveTheOutcomeOfOne() {
    String dependency = KeyLayout.dependencyKey(ns, "d");
    String entry = KeyLayout.entryKey(ns, "a");
    long sequence = store.readSequence();
    assertThat(store.register(entry, 60_000, List.of(dependency), new long[] {sequence})).isTrue();
    assertThat(store.register(entry, 60_000, List.of(dependency), new long[] {sequence})).isTrue();
    assertThat(store.writeEntry(entry, VALUE, 60_000, sequence)).isTrue();

    assertThat(store.delete(List.of(entry))).isEqualTo(1);
    assertThat(store.delete(List.of(entry))).isZero();
    // The first delete's fence refuses the write that read before it; one invalidation finds the
    // registration, once.
    assertThat(store.writeEntry(entry, VALUE, 60_000, sequence)).isFalse();
    assertThat(store.exists(entry)).isFalse();
    assertThat(store.invalidate(List.of(dependency))).isZero();
  }
}
