package io.depcache.agent.instrument;

import static net.bytebuddy.matcher.ElementMatchers.isPublic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import io.depcache.bridge.Bridge;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.dynamic.TypeResolutionStrategy;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.pool.TypePool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries the current cached call's context into tasks given to the JDK's executors: a transformer
 * for a few bootstrap classes named here, apart from the {@link Gate}, which never looks at the
 * JDK. Each entry point that takes a task passes on {@link Bridge#wrap(Runnable)} of it instead
 * ({@link ExecutorAdvice}), which outside a cached call is the task itself.
 *
 * <p>Where tasks enter, by class (a class or method a JDK lacks is simply not there to rewrite):
 *
 * <ul>
 *   <li>{@code ThreadPoolExecutor.execute}: {@code submit}, {@code invokeAll} and {@code invokeAny}
 *       of {@code AbstractExecutorService} come through it with a {@code FutureTask}.
 *   <li>{@code ScheduledThreadPoolExecutor.schedule} (a {@code Runnable} or a {@code Callable}):
 *       its {@code execute} and {@code submit} come through it. Periodic tasks are left alone: they
 *       outlive the call that scheduled them.
 *   <li>{@code ForkJoinPool}: {@code execute}, each {@code submit}, {@code invokeAll} and {@code
 *       invokeAny} (they do not call one another on JDK 17 or 25), and on JDK 25, where the pool is
 *       a scheduled executor too, {@code schedule} and {@code submitWithTimeout}. A {@code
 *       ForkJoinTask} given as a {@code Runnable} stays as it is, unless it is one of {@code
 *       CompletableFuture}'s ({@link Bridge#wrapForForkJoinPool}).
 *   <li>{@code CompletableFuture$ThreadPerTaskExecutor} (JDK 17): the default executor of the
 *       {@code *Async} stages when the common pool's parallelism is 1 (two cores or fewer); on JDK
 *       25 they use the common pool whatever its size.
 *   <li>{@code CompletableFuture$DelayedExecutor}: on JDK 25 its tasks wait in the pool's own
 *       scheduler and reach the target executor from a thread without the context.
 *   <li>{@code ThreadPerTaskExecutor} (JDK 21+, virtual threads): {@code execute}, {@code
 *       submit(Callable)} (the other {@code submit}s and {@code invokeAll} call it) and {@code
 *       invokeAny}.
 * </ul>
 *
 * <p>The advice calls the bridge, on the bootstrap class path in the bootstrap loader's unnamed
 * module, which {@code java.base} reads only once it is told to. If that fails, one warning says so
 * and the application runs on without propagation; a class that cannot be rewritten is named in a
 * warning of its own and the others are still rewritten.
 */
final class Propagation implements ClassFileTransformer {
  private static final Logger LOG = LoggerFactory.getLogger("depcache");
  private static final String PACKAGE = "java/util/concurrent/";

  /**
   * One advice on the methods it applies to, public ones only: the entry points, not the private
   * helpers of the same name that they call (JDK 25's {@code ForkJoinPool.invokeAll}).
   */
  private record Visit(Advice advice, ElementMatcher<? super MethodDescription> methods) {
    AsmVisitorWrapper wrapper() {
      return advice.on(isPublic().and(methods));
    }
  }

  private final Map<String, List<Visit>> targets;
  private final Set<String> rewritten = ConcurrentHashMap.newKeySet();
  private final ByteBuddy byteBuddy = new ByteBuddy();

  private Propagation() {
    Advice runnable = Advice.to(ExecutorAdvice.WrapRunnable.class);
    Advice callable = Advice.to(ExecutorAdvice.WrapCallable.class);
    Advice pooled = Advice.to(ExecutorAdvice.WrapForForkJoinPool.class);
    Advice each = Advice.to(ExecutorAdvice.WrapEach.class);
    Visit execute = new Visit(runnable, named("execute").and(takesArguments(Runnable.class)));
    Visit scheduleRunnable =
        new Visit(
            runnable,
            named("schedule").and(takesArguments(Runnable.class, long.class, TimeUnit.class)));
    Visit scheduleCallable =
        new Visit(
            callable,
            named("schedule").and(takesArguments(Callable.class, long.class, TimeUnit.class)));
    Visit submitCallable = new Visit(callable, named("submit").and(takesArguments(Callable.class)));
    Visit invokeAny = new Visit(each, named("invokeAny").and(takesArgument(0, Collection.class)));
    targets =
        Map.of(
            PACKAGE + "ThreadPoolExecutor",
            List.of(execute),
            PACKAGE + "ScheduledThreadPoolExecutor",
            List.of(scheduleRunnable, scheduleCallable),
            PACKAGE + "ForkJoinPool",
            List.of(
                new Visit(
                    pooled,
                    named("execute")
                        .and(takesArguments(Runnable.class))
                        .or(named("submit").and(takesArgument(0, Runnable.class)))),
                submitCallable,
                new Visit(
                    callable, named("submitWithTimeout").and(takesArgument(0, Callable.class))),
                scheduleRunnable,
                scheduleCallable,
                new Visit(
                    each,
                    namedOneOf("invokeAll", "invokeAllUninterruptibly", "invokeAny")
                        .and(takesArgument(0, Collection.class)))),
            PACKAGE + "CompletableFuture$ThreadPerTaskExecutor",
            List.of(execute),
            PACKAGE + "CompletableFuture$DelayedExecutor",
            List.of(execute),
            PACKAGE + "ThreadPerTaskExecutor",
            List.of(execute, submitCallable, invokeAny));
  }

  /**
   * Lets {@code java.base} call the bridge, registers the transformer and rewrites the executors
   * already loaded; the others are rewritten as they load.
   *
   * @return the installed propagation, or {@code null} (said once, as a warning) when it cannot be
   *     installed
   */
  static Propagation install(Instrumentation instrumentation) {
    long started = System.nanoTime();
    Propagation propagation = null;
    try {
      Module bridge = Bridge.class.getModule();
      if (Bridge.class.getClassLoader() != null) {
        throw new IllegalStateException(
            "the bridge is not on the bootstrap class path but in "
                + Bridge.class.getClassLoader());
      }
      Module base = Object.class.getModule();
      if (!base.canRead(bridge)) {
        instrumentation.redefineModule(
            base, Set.of(bridge), Map.of(), Map.of(), Set.of(), Map.of());
      }
      propagation = new Propagation();
      instrumentation.addTransformer(propagation, true);
      List<Class<?>> loaded = propagation.loaded(instrumentation, false);
      if (!loaded.isEmpty()) {
        instrumentation.retransformClasses(loaded.toArray(Class<?>[]::new));
      }
      LOG.debug(
          "depcache carries cached calls' context into the tasks of {} ({} loaded, {} ms)",
          propagation.rewritten,
          loaded.size(),
          (System.nanoTime() - started) / 1_000_000);
      return propagation;
    } catch (Throwable t) {
      if (t instanceof VirtualMachineError error) {
        throw error;
      }
      LOG.warn(
          "depcache cannot carry a cached call's context into the tasks it gives to"
              + " executors; dependencies that such tasks declare do not reach the call: {}",
          t.toString());
      if (propagation != null) {
        propagation.uninstall(instrumentation);
      }
      return null;
    }
  }

  /**
   * Loads the executors that are not loaded yet (without initialising them), so that they are
   * rewritten on this thread rather than on the application's thread that first uses one: a rewrite
   * costs milliseconds (tens for {@code ForkJoinPool} on a busy machine with two cores).
   */
  void loadTheOthers() {
    long started = System.nanoTime();
    for (String name : targets.keySet()) {
      try {
        Class.forName(name.replace('/', '.'), false, null);
      } catch (ClassNotFoundException | LinkageError absent) {
        // not in this JDK (ThreadPerTaskExecutor before 21, CompletableFuture's after 17)
      }
    }
    LOG.debug(
        "depcache rewrote {} ({} ms for those not loaded before)",
        rewritten,
        (System.nanoTime() - started) / 1_000_000);
  }

  /** Removes the transformer and gives the executors back their original code. */
  void uninstall(Instrumentation instrumentation) {
    instrumentation.removeTransformer(this);
    List<Class<?>> restore = loaded(instrumentation, true);
    if (restore.isEmpty()) {
      return;
    }
    try {
      instrumentation.retransformClasses(restore.toArray(Class<?>[]::new));
      rewritten.clear();
    } catch (Throwable t) {
      if (t instanceof VirtualMachineError error) {
        throw error;
      }
      LOG.warn("depcache could not restore the executors it rewrote: {}", t.toString());
    }
  }

  /** The loaded bootstrap classes among the targets; only those rewritten when {@code mine}. */
  private List<Class<?>> loaded(Instrumentation instrumentation, boolean mine) {
    List<Class<?>> found = new ArrayList<>();
    for (Class<?> type : instrumentation.getAllLoadedClasses()) {
      if (type.getClassLoader() == null && type.getName().startsWith("java.util.concurrent.")) {
        String name = type.getName().replace('.', '/');
        if (mine ? rewritten.contains(name) : targets.containsKey(name)) {
          found.add(type);
        }
      }
    }
    return found;
  }

  @Override
  public byte[] transform(
      Module module,
      ClassLoader loader,
      String name,
      Class<?> redefined,
      ProtectionDomain domain,
      byte[] bytes) {
    if (loader != null || name == null || !name.startsWith(PACKAGE)) {
      return null;
    }
    List<Visit> visits = targets.get(name);
    return visits == null ? null : rewrite(name, bytes, visits);
  }

  private byte[] rewrite(String internalName, byte[] bytes, List<Visit> visits) {
    String name = internalName.replace('/', '.');
    try {
      ClassFileLocator locator =
          new ClassFileLocator.Compound(
              ClassFileLocator.Simple.of(name, bytes),
              ClassFileLocator.ForClassLoader.ofBootLoader());
      TypePool pool =
          new TypePool.Default.WithLazyResolution(
              new TypePool.CacheProvider.Simple(), locator, TypePool.Default.ReaderMode.FAST);
      TypeDescription type = pool.describe(name).resolve();
      DynamicType.Builder<?> builder = byteBuddy.decorate(type, locator);
      for (Visit visit : visits) {
        builder = builder.visit(visit.wrapper());
      }
      byte[] result = builder.make(TypeResolutionStrategy.Passive.INSTANCE, pool).getBytes();
      rewritten.add(internalName);
      return result;
    } catch (Throwable t) {
      LOG.warn(
          "depcache could not rewrite {}; its tasks run without the cached call's context: {}",
          name,
          t.toString());
      return null;
    }
  }
}
