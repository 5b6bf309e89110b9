package io.depcache.agent.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class MemoryStoreTest extends CacheStoreContract {
  private final AtomicLong now = new AtomicLong(1_000_000);

  @Override
  CacheStore createStore() {
    return new MemoryStore(now::get);
  }

  @Test
  void entryIsGoneOnceItsTtlPassed() {
    store.put(entry("a"), bytes("x"), 1_000, List.of(dep("d")));
    now.addAndGet(999);
    assertThat(store.get(entry("a"))).isNotNull();

    now.addAndGet(1);

    assertThat(store.get(entry("a"))).isNull();
    assertThat(store.exists(entry("a"))).isFalse();
    assertThat(store.ttlMillis(entry("a"))).isEqualTo(-2);
  }

  @Test
  void expiredDependencySetIsReplacedByAFreshOne() {
    store.put(entry("a"), bytes("x"), 1_000, List.of(dep("d")));
    now.addAndGet(2_000);

    store.put(entry("b"), bytes("x"), 500, List.of(dep("d")));

    assertThat(store.ttlMillis(dep("d"))).isEqualTo(500);
  }

  @Test
  void invalidateDoesNotCountExpiredEntries() {
    store.put(entry("short"), bytes("x"), 1_000, List.of(dep("d")));
    store.put(entry("long"), bytes("x"), 5_000, List.of(dep("d")));
    now.addAndGet(2_000);

    assertThat(store.invalidate(List.of(dep("d")))).isEqualTo(1);
  }

  @Test
  void sweepDropsExpiredKeysThatNoOneReads() {
    MemoryStore memory = (MemoryStore) store;
    for (int i = 0; i < 10; i++) {
      memory.put(entry("k" + i), bytes("x"), 1_000, List.of(dep("d" + i)));
    }
    assertThat(memory.size()).isEqualTo(20);
    now.addAndGet(120_000);

    memory.put(entry("fresh"), bytes("x"), 1_000, List.of());

    assertThat(memory.size()).isEqualTo(1);
  }

  @Test
  void negativeTtlIsRejected() {
    assertThatThrownBy(() -> store.put(entry("a"), bytes("x"), -1, List.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
