package io.depcache.agent.instrument;

import io.depcache.agent.config.InvalidationRule;
import io.depcache.agent.config.MethodPattern;
import io.depcache.agent.config.TargetRule;
import io.depcache.agent.runtime.MethodRegistry;
import java.io.IOException;
import java.lang.instrument.Instrumentation;
import java.lang.instrument.UnmodifiableClassException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import net.bytebuddy.dynamic.ClassFileLocator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Installs the agent's transformers: which classes are looked at ({@link ClassPrefilter}), which
 * methods are rewritten and how ({@link Selector}, {@link Rewriter}), and the JDK's executors that
 * carry a cached call's context to the tasks it submits ({@link Propagation}). Inline advice only,
 * so that no class changes shape and classes loaded before an attach can be retransformed.
 */
public final class AgentInstaller {
  static final String FACADE = "io.depcache.DepCache";
  private static final Logger LOG = LoggerFactory.getLogger("depcache");
  private static final int RETRANSFORM_BATCH = 50;

  private AgentInstaller() {}

  /** An installed transformer. */
  public interface Installed {
    /** Removes the transformer and restores the classes it rewrote. */
    void uninstall();
  }

  /**
   * Installs the transformer and rewrites the matching classes already loaded (an attach, or a
   * test's in-process install).
   *
   * @param instrumentation from premain, agentmain or ByteBuddyAgent
   * @param registry numbers the cached and invalidating methods
   * @param targets methods cached by configuration, their patterns already validated
   * @param invalidations methods that invalidate by configuration
   * @param apiJar the agent's own copy of the API (the jar it put on the bootstrap search), or
   *     {@code null} when the API's class files are found through the system loader (tests)
   * @return the installation, which tests undo
   * @throws IOException when {@code apiJar} cannot be opened
   */
  public static Installed install(
      Instrumentation instrumentation,
      MethodRegistry registry,
      List<TargetRule> targets,
      List<InvalidationRule> invalidations,
      Path apiJar)
      throws IOException {
    Selector selector = new Selector(targets, invalidations);
    ClassPrefilter prefilter = prefilter(selector);
    Gate gate = new Gate(prefilter);
    gate.open(new Rewriter(selector, registry, apiFiles(apiJar)), instrumentation);
    Propagation propagation = Propagation.install(instrumentation);
    instrumentation.addTransformer(gate, true);
    retransformLoaded(instrumentation, prefilter);
    return () -> uninstall(instrumentation, gate, propagation);
  }

  /**
   * Installs for premain: the gate that rejects classes from their bytes is registered at once, and
   * the rewriter is made ready on a thread of its own while the application starts. A class that
   * the gate passes before then waits for it (at most {@link Gate#WAIT_SECONDS} s), so no cached
   * method is ever loaded unrewritten. Nothing of the application is loaded yet at premain, so
   * nothing of it needs retransforming. The JDK's executors that carry a call's context to other
   * threads ({@link Propagation}) are set up on that thread too: before the gate opens, so that no
   * cached call runs without them, the transformer and the executors already loaded (the agent's
   * own thread pools); after it, the others are loaded (and rewritten) there rather than on the
   * application thread that first uses them.
   *
   * @return the installation
   * @throws IOException when {@code apiJar} cannot be opened
   */
  public static Installed installInBackground(
      Instrumentation instrumentation,
      MethodRegistry registry,
      List<TargetRule> targets,
      List<InvalidationRule> invalidations,
      Path apiJar)
      throws IOException {
    Selector selector = new Selector(targets, invalidations);
    Gate gate = new Gate(prefilter(selector));
    ClassFileLocator apiFiles = apiFiles(apiJar);
    AtomicReference<Propagation> propagation = new AtomicReference<>();
    Thread thread =
        new Thread(
            () -> {
              try {
                Rewriter rewriter = new Rewriter(selector, registry, apiFiles);
                // Loads the advice machinery here rather than on the thread of the first
                // cached class.
                WarmUp.run(selector);
                Propagation executors = Propagation.install(instrumentation);
                propagation.set(executors);
                gate.open(rewriter, instrumentation);
                if (executors != null) {
                  executors.loadTheOthers();
                }
              } catch (Throwable t) {
                gate.fail(t);
              }
            },
            "depcache-instrumentation");
    thread.setDaemon(true);
    gate.installer(thread);
    instrumentation.addTransformer(gate, true);
    thread.start();
    if (Boolean.getBoolean("io.depcache.agent.debug.startup")) {
      Runtime.getRuntime().addShutdownHook(new Thread(() -> System.err.println(matchStats())));
    }
    return () -> uninstall(instrumentation, gate, propagation.getAndSet(null));
  }

  private static ClassPrefilter prefilter(Selector selector) {
    List<MethodPattern> patterns = new ArrayList<>();
    selector.targets().forEach(rule -> patterns.add(rule.pattern()));
    selector.invalidations().forEach(rule -> patterns.add(rule.pattern()));
    return new ClassPrefilter(patterns);
  }

  private static ClassFileLocator apiFiles(Path apiJar) throws IOException {
    ClassFileLocator system = ClassFileLocator.ForClassLoader.ofSystemLoader();
    return apiJar == null
        ? system
        : new ClassFileLocator.Compound(ClassFileLocator.ForJarFile.of(apiJar.toFile()), system);
  }

  /**
   * Retransforms the loaded classes that the prefilter passes: their class files are read from
   * their loaders (the JVM then hands the gate the current bytes).
   */
  private static void retransformLoaded(Instrumentation instrumentation, ClassPrefilter prefilter) {
    List<Class<?>> candidates = new ArrayList<>();
    for (Class<?> type : instrumentation.getAllLoadedClasses()) {
      if (type.isArray()
          || type.isPrimitive()
          || type.isHidden()
          || !instrumentation.isModifiableClass(type)) {
        continue;
      }
      String internalName = type.getName().replace('.', '/');
      if (prefilter.skipsByName(internalName)) {
        continue;
      }
      byte[] bytes = ClassPrefilter.classFile(type.getClassLoader(), internalName);
      if (bytes != null && prefilter.mayMatch(type.getClassLoader(), internalName, bytes)) {
        candidates.add(type);
      }
    }
    retransform(instrumentation, candidates);
  }

  private static void uninstall(
      Instrumentation instrumentation, Gate gate, Propagation propagation) {
    if (propagation != null) {
      propagation.uninstall(instrumentation);
    }
    instrumentation.removeTransformer(gate);
    gate.fail(null);
    List<Class<?>> rewritten = new ArrayList<>();
    for (Class<?> type : instrumentation.getAllLoadedClasses()) {
      if (!type.isArray() && !type.isPrimitive() && gate.rewrote(type)) {
        rewritten.add(type);
      }
    }
    // Without the gate, retransforming gives the classes back their original bytes.
    retransform(instrumentation, rewritten);
  }

  static void retransform(Instrumentation instrumentation, List<Class<?>> types) {
    for (int from = 0; from < types.size(); from += RETRANSFORM_BATCH) {
      List<Class<?>> batch = types.subList(from, Math.min(types.size(), from + RETRANSFORM_BATCH));
      try {
        instrumentation.retransformClasses(batch.toArray(Class<?>[]::new));
      } catch (UnmodifiableClassException | RuntimeException | LinkageError e) {
        // one class spoils a batch: retry them one by one, so the others still get rewritten
        for (Class<?> type : batch) {
          try {
            instrumentation.retransformClasses(type);
          } catch (UnmodifiableClassException | RuntimeException | LinkageError single) {
            LOG.warn("could not retransform {}: {}", type.getName(), single.toString());
          }
        }
      }
    }
  }

  /** Classes seen, passed, supertypes read, and milliseconds spent, for measurement. */
  public static String matchStats() {
    return "classes="
        + ClassPrefilter.SEEN.get()
        + " passed="
        + ClassPrefilter.PASSED.get()
        + " read="
        + ClassPrefilter.SUPERTYPES_READ.get()
        + " readMs="
        + ClassPrefilter.READ_NANOS.get() / 1_000_000
        + " filterMs="
        + ClassPrefilter.NANOS.get() / 1_000_000
        + " types="
        + Hierarchy.TYPES_EXAMINED.get()
        + " supertypes="
        + Hierarchy.SUPERTYPES_SUMMARISED.get()
        + " ms="
        + Hierarchy.MATCH_NANOS.get() / 1_000_000;
  }
}
