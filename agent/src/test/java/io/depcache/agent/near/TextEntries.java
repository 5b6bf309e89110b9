package io.depcache.agent.near;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.depcache.agent.store.CacheStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The entries of the near cache's ITs: text {@code value|dep,dep} in one namespace, written through
 * a store as a miss writes them (fenced by the sequence its lookup read), their dependencies read
 * back by {@link #READER}.
 */
final class TextEntries {
  /** Reads the dependency keys after the {@code |} of an entry's text. */
  static final DependencyReader READER =
      (key, stored) -> {
        String text = new String(stored, UTF_8);
        String deps = text.substring(text.indexOf('|') + 1);
        return deps.isEmpty() ? List.of() : Arrays.asList(deps.split(","));
      };

  private final String ns;

  /**
   * @param ns the namespace, {@code prefix:manager:}
   */
  TextEntries(String ns) {
    this.ns = ns;
  }

  String entry(String key) {
    return ns + "e:" + key;
  }

  String dep(String dependency) {
    return ns + "d:" + dependency;
  }

  /** Computes and writes an entry through {@code store} as a miss does, fenced by its lookup. */
  void write(CacheStore store, String key, String value, String... deps) {
    long sequence = store.lookup(entry(key)).sequence();
    List<String> depKeys = new ArrayList<>();
    for (String d : deps) {
      depKeys.add(dep(d));
    }
    byte[] bytes = (value + "|" + String.join(",", depKeys)).getBytes(UTF_8);
    long[] sequences = new long[depKeys.size()];
    Arrays.fill(sequences, sequence);
    assertThat(store.putIfUnchangedSince(entry(key), bytes, 60_000, depKeys, sequence, sequences))
        .as("write of %s", key)
        .isTrue();
  }

  /** The value of a lookup's text, or {@code null} for a miss. */
  static String value(CacheStore.Lookup found) {
    return found.value() == null ? null : new String(found.value(), UTF_8).split("\\|")[0];
  }

  /** Fills {@code store}'s near cache with the entry, and shows the next lookup is a near hit. */
  void assertNearHit(NearCacheStore store, String key, String expected) {
    assertThat(value(store.lookup(entry(key)))).isEqualTo(expected);
    long hits = store.nearHits();
    assertThat(value(store.lookup(entry(key)))).isEqualTo(expected);
    assertThat(store.nearHits()).as("a near hit of %s", key).isEqualTo(hits + 1);
  }

  /** Waits until {@code condition} holds (a call that throws counts as not yet), failing after. */
  static void awaitWithin(int seconds, String what, BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
    while (!safely(condition)) {
      assertThat(System.nanoTime() - deadline).as("waiting until " + what).isNegative();
      Thread.sleep(20);
    }
  }

  private static boolean safely(BooleanSupplier condition) {
    try {
      return condition.getAsBoolean();
    } catch (RuntimeException e) {
      return false;
    }
  }
}
