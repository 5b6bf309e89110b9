package io.depcache.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

/**
 * The two-JVM stale-read checker with the near cache on in both JVMs while one of them is stopped
 * ({@code SIGSTOP}) for 2 s and resumed ({@code SIGCONT}), again and again: the other's
 * invalidations wait for it at most the window and then drop it from the registry; when it resumes,
 * its lease has run out, so it serves no near hit before it has applied every message queued for it
 * and registered again.
 */
class NearPausedJvmStaleReadCheckerIT extends NearStaleReadCheckerIT {
  private static final long PAUSE_MILLIS = 2_000;
  private static final long RUNNING_MILLIS = 3_000;

  @Override
  AutoCloseable fault(String redis, List<AppProcess> apps) {
    long pid = apps.get(1).pid;
    Faults.Repeated pauses =
        new Faults.Repeated(
            "sigstop",
            RUNNING_MILLIS,
            RUNNING_MILLIS,
            () -> {
              Faults.signal("STOP", pid);
              try {
                Thread.sleep(PAUSE_MILLIS);
              } finally {
                Faults.signal("CONT", pid);
              }
            });
    return () -> {
      pauses.close();
      System.out.println(
          "[StaleReadChecker] JVM " + pid + " was stopped " + pauses.done() + " times for 2 s");
      assertThat(pauses.done()).isGreaterThanOrEqualTo(2);
    };
  }
}
