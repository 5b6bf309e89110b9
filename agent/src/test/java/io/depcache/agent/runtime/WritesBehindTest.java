package io.depcache.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.example.fixtures.Calls;
import com.example.fixtures.Profiles;
import io.depcache.agent.AgentMain;
import io.depcache.testing.SlowProxy;
import io.depcache.testing.TestRedis;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.FutureTask;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Writes that go on behind their calls, against a Redis whose answers take a few milliseconds (so
 * that every lookup is slow enough for the write to go behind) and whose writes can be made to
 * hang: at most {@link CachedCalls#MAX_WRITES_BEHIND} wait at once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WritesBehindTest {
  private static final int ANSWER_DELAY_MS = 10;

  /**
   * Long, so that a held write does not time out while the test holds it: its read waits this long
   * for an answer. A caller whose write goes behind waits at most this long too.
   */
  private static final int TIMEOUT_MS = 5000;

  /** Misses made while the writes behind are all taken. */
  private static final int BEYOND = 3;

  private SlowProxy proxy;
  private AgentMain.Installation installation;
  private final Profiles profiles = new Profiles();

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
  void beyondTheBoundAMissIsNotCachedAndDoesNotWaitAndTheBoundIsFreedWhenTheStoreRecovers()
      throws Exception {
    profiles.profile("warm-up"); // loads and instruments the classes, puts the script in Redis
    // The second round can fill the bound again only if the first one gave every permit back.
    for (int round = 1; round <= 2; round++) {
      String tag = "round " + round + ": ";
      Calls.reset();
      proxy.holdWrites();
      List<Thread> threads = new ArrayList<>();
      List<FutureTask<String>> behind = new ArrayList<>();
      for (int i = 0; i < CachedCalls.MAX_WRITES_BEHIND; i++) {
        String id = tag + "behind " + i;
        FutureTask<String> call = new FutureTask<>(() -> profiles.profile(id));
        Thread thread = new Thread(call, "writes-behind-" + i);
        thread.start();
        threads.add(thread);
        behind.add(call);
      }
      awaitAllWaitingForTheirWrites(tag, threads);
      // A caller waits for its write from when it handed it over; the write reaches the store
      // once it has a connection (opened behind it, a few at a time, through the slow proxy).
      long writesDeadline = System.nanoTime() + TIMEOUT_MS / 2 * 1_000_000L;
      while (proxy.heldWrites() == 0 && System.nanoTime() < writesDeadline) {
        Thread.sleep(5);
      }
      assertThat(proxy.heldWrites()).as(tag + "writes hanging in the store").isPositive();

      for (int i = 0; i < BEYOND; i++) {
        long start = System.nanoTime();
        profiles.profile(tag + "beyond " + i);
        long millis = (System.nanoTime() - start) / 1_000_000;
        // A write that went behind would keep its caller for the rest of the timeout.
        assertThat(millis).as(tag + "ms a miss beyond the bound took").isLessThan(TIMEOUT_MS / 2);
      }

      proxy.releaseWrites();
      for (FutureTask<String> call : behind) {
        assertThat(call.get()).startsWith("profile of " + tag);
      }
      int computed = CachedCalls.MAX_WRITES_BEHIND + BEYOND;
      assertThat(Calls.count("profile")).isEqualTo(computed);
      for (int i = 0; i < CachedCalls.MAX_WRITES_BEHIND; i++) {
        profiles.profile(tag + "behind " + i);
      }
      assertThat(Calls.count("profile"))
          .as(tag + "the writes behind landed once the store recovered: hits")
          .isEqualTo(computed);
      for (int i = 0; i < BEYOND; i++) {
        profiles.profile(tag + "beyond " + i);
      }
      assertThat(Calls.count("profile"))
          .as(tag + "the misses beyond the bound were not written: misses again")
          .isEqualTo(computed + BEYOND);
    }
  }

  /**
   * Waits until every caller has computed its value and waits for its write: after the method body
   * the only timed wait of a call is the one for its write behind (before it, a wait for a pooled
   * connection is timed too, hence the count).
   */
  private static void awaitAllWaitingForTheirWrites(String tag, List<Thread> threads)
      throws InterruptedException {
    long deadline = System.nanoTime() + TIMEOUT_MS / 2 * 1_000_000L;
    while (true) {
      Map<Thread.State, Long> states =
          threads.stream().collect(Collectors.groupingBy(Thread::getState, Collectors.counting()));
      long waiting = states.getOrDefault(Thread.State.TIMED_WAITING, 0L);
      if (Calls.count("profile") == threads.size() && waiting == threads.size()) {
        return;
      }
      if (System.nanoTime() > deadline) {
        fail(
            "%s%d of %d callers computed their values, %d wait for their writes (threads: %s;"
                + " TERMINATED ones returned without waiting)",
            tag, Calls.count("profile"), threads.size(), waiting, states);
      }
      Thread.sleep(5);
    }
  }
}
