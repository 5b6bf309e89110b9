package io.depcache.agent.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.depcache.agent.store.CircuitBreaker.Permit;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CircuitBreakerTest {
  private static String logOf(Runnable action) {
    PrintStream err = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      action.run();
    } finally {
      System.setErr(err);
    }
    return captured.toString(StandardCharsets.UTF_8);
  }

  @Test
  void anOutageIsOneWarningWithItsReason() {
    AtomicLong clock = new AtomicLong();
    CircuitBreaker breaker = new CircuitBreaker("s", 100, 250, clock::get, () -> false);

    String log =
        logOf(
            () -> {
              breaker.failed(Permit.PASS, new StoreException("the reason"));
              clock.addAndGet(1_000_000_000L);
              breaker.failed(breaker.acquire(), new StoreException("still"));
            });

    assertThat(log.lines().filter(l -> l.contains("WARN")))
        .singleElement()
        .asString()
        .contains("store s unavailable")
        .contains("the reason");
  }

  @Test
  void aCircuitOpenedForWorkFoundWaitingSaysWhyAtItsFirstFailure() {
    // a spool adopted at start opens the circuit before any call could fail: the retry thread's
    // first failure is then the one that can say why
    CircuitBreaker breaker = new CircuitBreaker("s", 100, 250, System::nanoTime, () -> true);
    breaker.openForPendingWork();

    String log =
        logOf(
            () -> {
              breaker.failed(Permit.PROBE, new StoreException("login refused: WRONGPASS"));
              breaker.failed(Permit.PROBE, new StoreException("login refused again"));
            });

    assertThat(log.lines().filter(l -> l.contains("WARN")))
        .singleElement()
        .asString()
        .contains("store s unavailable")
        .contains("login refused: WRONGPASS");
  }
}
