package io.depcache.agent.runtime;

import io.depcache.agent.store.AgentThreads;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Repeats each invalidation once, {@code depcache.invalidate.repeat-after-ms} later.
 *
 * <p>The window it closes: a writer updates the database in a transaction and invalidates before
 * the transaction commits (or a replica lags). A reader that misses in between reads the old row,
 * starts its computation after the invalidation's fence, and stores the old value legitimately as
 * far as the fence can tell. Repeating the invalidation after the commit (or the lag) has surely
 * happened removes that entry. Choose the delay above the longest such window.
 */
final class Repeater implements AutoCloseable {
  private final long delayMillis;
  private final ScheduledExecutorService scheduler;

  /** Whether the repeat runs on the caller's thread, after the delay: a command's, which exits. */
  private final boolean inline;

  Repeater(long delayMillis) {
    this(delayMillis, false);
  }

  Repeater(long delayMillis, boolean inline) {
    this.delayMillis = delayMillis;
    this.inline = inline;
    this.scheduler =
        delayMillis <= 0 || inline
            ? null
            : Executors.newSingleThreadScheduledExecutor(
                task -> AgentThreads.daemon(task, "depcache-repeat"));
  }

  /** Runs {@code invalidation} once more after the delay; nothing when repeating is off. */
  void repeat(Runnable invalidation) {
    if (inline && delayMillis > 0) {
      try {
        Thread.sleep(delayMillis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      invalidation.run();
    } else if (scheduler != null) {
      scheduler.schedule(invalidation, delayMillis, TimeUnit.MILLISECONDS);
    }
  }

  @Override
  public void close() {
    if (scheduler != null) {
      scheduler.shutdownNow();
    }
  }
}
