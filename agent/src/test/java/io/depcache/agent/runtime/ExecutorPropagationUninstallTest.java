package io.depcache.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.fixtures.Fanout;
import io.depcache.agent.AgentMain;
import io.depcache.bridge.Bridge;
import io.depcache.bridge.Dispatcher;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.nio.charset.StandardCharsets;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import net.bytebuddy.agent.ByteBuddyAgent;
import org.junit.jupiter.api.Test;

/**
 * The JDK's executors are rewritten while the agent is installed, whether they were loaded before
 * (all of them here) or not, and get their own code back when it is uninstalled.
 */
class ExecutorPropagationUninstallTest {
  /** What the agent rewrites, on whichever JDK has it. */
  private static final List<String> EXECUTORS =
      List.of(
          "java.util.concurrent.ThreadPoolExecutor",
          "java.util.concurrent.ScheduledThreadPoolExecutor",
          "java.util.concurrent.ForkJoinPool",
          "java.util.concurrent.CompletableFuture$ThreadPerTaskExecutor", // JDK 17
          "java.util.concurrent.CompletableFuture$DelayedExecutor",
          "java.util.concurrent.ThreadPerTaskExecutor"); // JDK 21+

  @Test
  void uninstallingGivesTheExecutorsTheirOwnCodeBack() throws Exception {
    List<Class<?>> executors = loadedExecutors();
    RecordingPool pool = new RecordingPool();
    Runnable task = () -> {};
    Fanout fanout = new Fanout();
    AgentMain.Installation installation =
        AgentTestSupport.install(
            Map.of(
                "depcache.backend", "memory", "depcache.prefix", AgentTestSupport.uniquePrefix()));
    try {
      for (Class<?> executor : executors) {
        assertThat(callsTheBridge(executor)).as("%s rewritten", executor.getName()).isTrue();
      }
      fanout.compute(
          "uninstall",
          () -> {
            pool.execute(task);
            return "u";
          });
      assertThat(pool.nextRan()).as("installed: the task carries the call").isNotSameAs(task);
    } finally {
      installation.uninstall();
    }

    // With a context always current, the advice would wrap the task if it were still there.
    Dispatcher alwaysInACall = new AlwaysInACall();
    Bridge.install(alwaysInACall);
    try {
      pool.execute(task);
      assertThat(pool.nextRan()).as("uninstalled: the task itself").isSameAs(task);
    } finally {
      Bridge.uninstall(alwaysInACall);
      pool.shutdownNow();
    }
    // Last: the probe's own retransformation would restore a class whose transformer is gone.
    for (Class<?> executor : executors) {
      assertThat(callsTheBridge(executor)).as("%s restored", executor.getName()).isFalse();
    }
  }

  /** The executor classes of this JDK, loaded now if they were not: before the agent comes. */
  private static List<Class<?>> loadedExecutors() {
    List<Class<?>> found = new ArrayList<>();
    for (String name : EXECUTORS) {
      try {
        found.add(Class.forName(name, false, null));
      } catch (ClassNotFoundException absent) {
        // not in this JDK
      }
    }
    String ownDefault =
        Runtime.version().feature() >= 21
            ? "java.util.concurrent.ThreadPerTaskExecutor"
            : "java.util.concurrent.CompletableFuture$ThreadPerTaskExecutor";
    assertThat(found).extracting(Class::getName).contains(ownDefault);
    return found;
  }

  /** Whether the code the JVM now runs for {@code type} refers to the bridge. */
  private static boolean callsTheBridge(Class<?> type) throws Exception {
    Instrumentation instrumentation = ByteBuddyAgent.getInstrumentation();
    AtomicReference<byte[]> current = new AtomicReference<>();
    // Registered last, it sees what the transformers before it made of the class.
    ClassFileTransformer probe =
        new ClassFileTransformer() {
          @Override
          public byte[] transform(
              Module module,
              ClassLoader loader,
              String name,
              Class<?> redefined,
              ProtectionDomain domain,
              byte[] bytes) {
            if (redefined == type) {
              current.set(bytes.clone());
            }
            return null;
          }
        };
    instrumentation.addTransformer(probe, true);
    try {
      instrumentation.retransformClasses(type);
    } finally {
      instrumentation.removeTransformer(probe);
    }
    return new String(current.get(), StandardCharsets.ISO_8859_1)
        .contains("io/depcache/bridge/Bridge");
  }

  /** A runtime for which every thread is always in a cached call. */
  private static final class AlwaysInACall implements Dispatcher {
    private final Object context = new Object();

    @Override
    public Object currentContext() {
      return context;
    }

    @Override
    public Object enter(int methodId, Class<?> owner, Object self, Object[] args) {
      return null;
    }

    @Override
    public boolean isHit(Object call) {
      return false;
    }

    @Override
    public Object exit(Object call, Object returned, Throwable thrown) {
      return returned;
    }

    @Override
    public Throwable thrown(Object call, Throwable thrown) {
      return thrown;
    }

    @Override
    public void addDependency(String dependency, String manager) {}

    @Override
    public String currentCacheKey() {
      return null;
    }

    @Override
    public void setTtl(long seconds) {}

    @Override
    public boolean isActive() {
      return true;
    }

    @Override
    public Object manager(String name, Class<?> facade) {
      return null;
    }
  }
}
