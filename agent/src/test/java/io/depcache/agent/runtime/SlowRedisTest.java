package io.depcache.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.fixtures.Calls;
import com.example.fixtures.Profiles;
import io.depcache.DepCache;
import io.depcache.agent.AgentMain;
import io.depcache.testing.SlowProxy;
import io.depcache.testing.TestRedis;
import java.io.IOException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A Redis that answers every command slowly, though within the timeout: a cached call waits for it
 * about the timeout in all, not the timeout per command (a lookup, then a write).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SlowRedisTest {
  private static final int DELAY_MS = 400;
  private static final int TIMEOUT_MS = 500;

  private SlowProxy proxy;
  private AgentMain.Installation installation;
  private final Profiles profiles = new Profiles();

  @BeforeAll
  void start() throws IOException {
    proxy = SlowProxy.start(TestRedis.url(), DELAY_MS);
    installation = AgentTestSupport.installAgainst(proxy.url(), TIMEOUT_MS);
  }

  @AfterAll
  void stop() throws IOException {
    installation.uninstall();
    proxy.close();
  }

  @Test
  void aMissWaitsForTheStoreAboutTheTimeoutInAllAndItsWriteLandsBehind() throws Exception {
    // Opens pooled connections (their handshakes are slow too): one for lookups, one for the
    // writes that go on behind.
    for (int i = 0; i < 3; i++) {
      profiles.profile("warm-up " + i);
      Thread.sleep(4L * DELAY_MS);
    }
    Calls.reset();

    long start = System.nanoTime();
    profiles.profile("7");
    long millis = (System.nanoTime() - start) / 1_000_000;

    // Two slow round trips (lookup, then write) would take at least 2 x 400 ms.
    assertThat(millis).as("ms the miss took").isLessThan(2L * DELAY_MS - 100);
    Thread.sleep(2L * DELAY_MS); // the write goes on behind the call
    profiles.profile("7");
    assertThat(Calls.count("profile")).as("the write landed: a hit").isEqualTo(1);
    assertThat(DepCache.isAgentActive()).isTrue();
  }
}
