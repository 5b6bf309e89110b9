package io.depcache.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.fixtures.Calls;
import com.example.fixtures.Catalog;
import io.depcache.CacheEventListener;
import io.depcache.CacheEventType;
import io.depcache.CacheManager;
import io.depcache.DepCache;
import io.depcache.agent.AgentMain;
import io.depcache.testing.SlowProxy;
import io.depcache.testing.TestRedis;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A write that goes on behind its call stores the value as the call returned it, though the caller
 * changes it before the write starts: the entry is encoded on the calling thread.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WriteBehindEncodingTest {
  /** Slow enough for every write after a lookup to go behind. */
  private static final int ANSWER_DELAY_MS = 10;

  private static final int TIMEOUT_MS = 500;

  private SlowProxy proxy;
  private AgentMain.Installation installation;
  private final Catalog catalog = new Catalog();

  @BeforeAll
  void start() throws IOException {
    proxy = SlowProxy.start(TestRedis.url(), ANSWER_DELAY_MS);
    installation = AgentTestSupport.installAgainst(proxy.url(), TIMEOUT_MS);
  }

  @AfterAll
  void stop() throws IOException {
    installation.uninstall();
    proxy.close();
  }

  @Test
  void aValueChangedByItsCallerBeforeTheWriteBehindStartsIsStoredAsReturned() throws Exception {
    CacheManager manager = DepCache.manager();
    catalog.ids(1); // loads and instruments the classes, opens connections
    Calls.reset();
    // The writes behind run on the depcache-async threads: keep them all busy (there are twice as
    // many as processors, at least 4), so that the write starts only after the call returned.
    CountDownLatch busy = new CountDownLatch(1);
    List<CompletableFuture<String>> occupants = new ArrayList<>();
    for (int i = 0; i < 4 * Runtime.getRuntime().availableProcessors() + 4; i++) {
      occupants.add(
          manager
              .async()
              .getOrCompute(
                  "occupant " + i,
                  60,
                  () -> {
                    busy.await();
                    return "occupant";
                  }));
    }
    CountDownLatch written = new CountDownLatch(1);
    CacheEventListener onSet =
        event -> {
          if (event.key().equals(Catalog.lastKey)) {
            written.countDown();
          }
        };
    manager.events().on(CacheEventType.SET, onSet);
    try {
      List<Long> ids = catalog.ids(3);
      assertThat(written.getCount()).as("the write is still behind the returned call").isOne();
      ids.set(0, -1L);
      ids.add(99L);

      busy.countDown();
      for (CompletableFuture<String> occupant : occupants) {
        occupant.get(10, TimeUnit.SECONDS);
      }
      assertThat(written.await(10, TimeUnit.SECONDS)).as("the write behind landed").isTrue();
      assertThat(catalog.ids(3)).as("the cached value").containsExactly(1L, 2L, 3L);
      assertThat(Calls.count("ids")).as("computed once, then a hit").isEqualTo(1);
    } finally {
      busy.countDown();
      manager.events().off(CacheEventType.SET, onSet);
    }
  }
}
