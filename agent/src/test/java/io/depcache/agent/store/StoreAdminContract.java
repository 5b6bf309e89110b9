package io.depcache.agent.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What the command line's {@code dependents} and {@code stats} read and what agents publish for
 * them ({@link StoreAdmin}), on every Redis topology and as every user a store contract runs as:
 * mixed into a {@link CacheStoreContract} whose store writes the dependency sets read here.
 */
interface StoreAdminContract {
  /** An admin client of the store under test, as the user its contract runs as. */
  StoreAdmin createAdmin() throws Exception;

  /** The store the contract writes with. */
  CacheStore store();

  /** The prefix of this test's keys. */
  String prefix();

  /** A manager's namespace under {@link #prefix}. */
  String namespace();

  @Test
  default void countersPublishedAreReadBackWholeAndReplacedByTheNextRound() throws Exception {
    // more fields than one HSET of the script takes (100 pairs)
    Map<String, String> many = new LinkedHashMap<>();
    for (int i = 0; i < 1_000; i++) {
      many.put("manager.m.method.Service#call" + i + "(long).hits", Integer.toString(i));
    }
    String first = KeyLayout.statsKey(prefix(), "host-a/101/1700000000000");
    String second = KeyLayout.statsKey(prefix(), "host-b/202/1700000000001");
    try (StoreAdmin admin = createAdmin()) {
      admin.publish(first, many, 30_000);
      admin.publish(second, Map.of("jvm.pid", "202"), 30_000);
      Map<String, Map<String, String>> published = admin.published(KeyLayout.statsKeysOf(prefix()));
      assertThat(published).containsOnlyKeys(first, second);
      assertThat(published.get(first)).isEqualTo(many);
      assertThat(published.get(second)).isEqualTo(Map.of("jvm.pid", "202"));

      // the next round replaces the whole hash: a method gone since is not listed any more
      admin.publish(first, Map.of("jvm.pid", "101", "manager.m.hits", "7"), 30_000);
      assertThat(admin.published(KeyLayout.statsKeysOf(prefix())).get(first))
          .isEqualTo(Map.of("jvm.pid", "101", "manager.m.hits", "7"));

      admin.unpublish(first);
      admin.unpublish(second);
      assertThat(admin.published(KeyLayout.statsKeysOf(prefix()))).isEmpty();
    }
  }

  @Test
  default void countersPublishedExpireWithTheirLife() throws Exception {
    String key = KeyLayout.statsKey(prefix(), "host-c/303/1700000000002");
    try (StoreAdmin admin = createAdmin()) {
      admin.publish(key, Map.of("jvm.pid", "303"), 200);
      assertThat(admin.published(KeyLayout.statsKeysOf(prefix()))).containsOnlyKeys(key);
      long deadline = System.nanoTime() + 5_000_000_000L;
      while (!admin.published(KeyLayout.statsKeysOf(prefix())).isEmpty()) {
        assertThat(System.nanoTime()).as("expired after its 200 ms").isLessThan(deadline);
        Thread.sleep(50);
      }
    }
  }

  @Test
  default void membersAreTheDependentsOfADependencyInTheOrderTheyJoined() throws Exception {
    String dependency = KeyLayout.dependencyKey(namespace(), "user:1");
    List<String> entries = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      String entry = KeyLayout.entryKey(namespace(), "k" + i);
      entries.add(entry);
      store().put(entry, "v".getBytes(StandardCharsets.UTF_8), 60_000, List.of(dependency));
    }
    try (StoreAdmin admin = createAdmin()) {
      StoreAdmin.Members all = admin.members(dependency, 100);
      assertThat(all.total()).isEqualTo(5);
      assertThat(all.entryKeys()).containsExactlyElementsOf(entries);
      StoreAdmin.Members first = admin.members(dependency, 2);
      assertThat(first.total()).isEqualTo(5);
      assertThat(first.entryKeys()).containsExactly(entries.get(0), entries.get(1));
      StoreAdmin.Members none = admin.members(KeyLayout.dependencyKey(namespace(), "user:404"), 10);
      assertThat(none.total()).isZero();
      assertThat(none.entryKeys()).isEmpty();
    }
  }
}
