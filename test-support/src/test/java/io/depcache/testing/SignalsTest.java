package io.depcache.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Signals stops and resumes a real process, with kill at either place or only the shell's. */
class SignalsTest {
  private Process sleeper;

  @AfterEach
  void tearDown() throws InterruptedException {
    if (sleeper != null) {
      sleeper.toHandle().destroyForcibly();
      sleeper.waitFor(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void stopsAndResumesAProcess() throws Exception {
    sleeper = new ProcessBuilder("sleep", "30").start();
    List<Long> pid = List.of(sleeper.pid());

    Signals.stop(pid);
    assertThat(awaitState(sleeper.pid(), 'T')).as("state after SIGSTOP").isEqualTo('T');
    Signals.resume(pid);
    assertThat(awaitState(sleeper.pid(), 'S')).as("state after SIGCONT").isEqualTo('S');
  }

  @Test
  void usesTheKillThatExistsOrElseTheShell() {
    Path missing = Path.of("/nonexistent/kill");
    Path usrBin = Path.of("/usr/bin/kill");
    assertThat(Signals.command("STOP", List.of(7L), List.of(missing, usrBin)))
        .isEqualTo(
            Files.isExecutable(usrBin)
                ? List.of("/usr/bin/kill", "-STOP", "7")
                : List.of("sh", "-c", "kill -STOP 7"));
    assertThat(Signals.command("CONT", List.of(7L, 8L), List.of(missing)))
        .isEqualTo(List.of("sh", "-c", "kill -CONT 7 8"));
  }

  @Test
  void theShellsKillStopsAProcessToo() throws Exception {
    sleeper = new ProcessBuilder("sleep", "30").start();
    List<String> command = Signals.command("STOP", List.of(sleeper.pid()), List.of());
    assertThat(CommandRun.of(command).exit()).isZero();
    assertThat(awaitState(sleeper.pid(), 'T')).isEqualTo('T');
  }

  @Test
  void aSignalThatFailsSaysWhichProcessesAndHow() {
    // No such process (above any pid_max): kill exits non-zero.
    long none = Integer.MAX_VALUE;
    assertThatThrownBy(() -> Signals.stop(List.of(none)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("SIGSTOP to [" + none + "] failed");
  }

  @Test
  void whatKillWouldReadAsAGroupOrEveryProcessIsNeverSent() {
    // kill reads an int: Long.MAX_VALUE / 2 would be -1, every process of the user (this stopped
    // the whole machine once); 0 and negative ids are process groups.
    for (long pid : new long[] {Long.MAX_VALUE / 2, -1, 0, 1}) {
      assertThatThrownBy(() -> Signals.stop(List.of(pid)))
          .as("pid " + pid)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("not a process id to signal: " + pid);
    }
  }

  /**
   * The state letter of /proc/PID/stat ('T' stopped, 'S' sleeping) once it is the one expected, or
   * after a second.
   */
  private static char awaitState(long pid, char expected) throws IOException, InterruptedException {
    char state = 0;
    for (int i = 0; i < 50; i++) {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      state = stat.charAt(stat.lastIndexOf(')') + 2);
      if (state == expected) {
        return state;
      }
      Thread.sleep(20);
    }
    return state;
  }
}
