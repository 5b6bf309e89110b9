package io.depcache.agent.instrument;

import static org.assertj.core.api.Assertions.assertThat;

import io.depcache.agent.runtime.MethodRegistry;
import io.depcache.agent.serial.AllowList;
import java.lang.instrument.Instrumentation;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.List;
import net.bytebuddy.agent.ByteBuddyAgent;
import net.bytebuddy.dynamic.ClassFileLocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class GateTest {
  /** Loads the fixtures itself, so that each test sees them loaded for the first time. */
  private static final class FreshFixtures extends URLClassLoader {
    FreshFixtures() throws Exception {
      super(
          new URL[] {Path.of("target", "test-classes").toUri().toURL()},
          GateTest.class.getClassLoader());
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
      synchronized (getClassLoadingLock(name)) {
        if (name.startsWith("com.example.fixtures.")) {
          Class<?> type = findLoadedClass(name);
          return type != null ? type : findClass(name);
        }
        return super.loadClass(name, resolve);
      }
    }
  }

  private static Rewriter rewriter() {
    return new Rewriter(
        new Selector(List.of(), List.of()),
        new MethodRegistry(new AllowList()),
        ClassFileLocator.ForClassLoader.ofSystemLoader());
  }

  @Test
  void aCandidateLoadedBeforeTheRewriterIsReadyWaitsForIt() throws Exception {
    Instrumentation instrumentation = ByteBuddyAgent.install();
    Gate gate = new Gate(new ClassPrefilter(List.of()), 30_000);
    instrumentation.addTransformer(gate, true);
    try {
      Thread opener =
          new Thread(
              () -> {
                try {
                  Thread.sleep(300);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
                gate.open(rewriter(), instrumentation);
              });
      opener.start();
      Class<?> type = Class.forName("com.example.fixtures.Catalog", false, new FreshFixtures());
      opener.join();
      assertThat(gate.rewrote(type)).as("rewritten while it was being loaded").isTrue();
    } finally {
      instrumentation.removeTransformer(gate);
    }
  }

  @Test
  void aCandidateThatCouldNotWaitIsRetransformedOnceTheRewriterIsReady() throws Exception {
    Instrumentation instrumentation = ByteBuddyAgent.install();
    Gate gate = new Gate(new ClassPrefilter(List.of()), 100);
    instrumentation.addTransformer(gate, true);
    try {
      Class<?> type = Class.forName("com.example.fixtures.Catalog", false, new FreshFixtures());
      assertThat(gate.rewrote(type)).as("loaded as it was, after the wait").isFalse();

      gate.open(rewriter(), instrumentation);

      assertThat(gate.rewrote(type)).as("retransformed when the rewriter came").isTrue();
    } finally {
      instrumentation.removeTransformer(gate);
    }
  }

  @Test
  @Timeout(60) // a wait would last ten minutes: the test would fail here
  void classesWithNothingToRewriteNeverWait() throws Exception {
    Instrumentation instrumentation = ByteBuddyAgent.install();
    Gate gate = new Gate(new ClassPrefilter(List.of()), 600_000);
    instrumentation.addTransformer(gate, true);
    try {
      Class<?> type = Class.forName("com.example.fixtures.Team", false, new FreshFixtures());
      assertThat(gate.rewrote(type)).isFalse();
    } finally {
      instrumentation.removeTransformer(gate);
    }
  }
}
