package io.depcache.agent.instrument;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.IllegalClassFormatException;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transformer premain registers: it rejects a class from its bytes ({@link ClassPrefilter}) and
 * hands the rest to Byte Buddy's transformer once a background thread has built it. A candidate
 * that arrives earlier waits for it, so the application never runs a cached method unrewritten; a
 * build that fails, or one that takes longer than {@link #WAIT_SECONDS} s, lets classes load as
 * they are (uncached) and says so once.
 */
final class Gate implements ClassFileTransformer {
  /** The longest a class load waits for the rewriter; far above a slow preparation (~0.6 s). */
  static final long WAIT_SECONDS = 30;

  private static final Logger LOG = LoggerFactory.getLogger("depcache");

  private final ClassPrefilter prefilter;
  private final CountDownLatch ready = new CountDownLatch(1);
  private final Set<String> rewritten = ConcurrentHashMap.newKeySet();
  private final Set<String> missed = ConcurrentHashMap.newKeySet();
  private volatile Rewriter transformer;
  private volatile Thread installer;
  private volatile boolean warned;

  private final long waitMillis;

  Gate(ClassPrefilter prefilter) {
    this(prefilter, TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
  }

  /** A gate with another wait, for tests. */
  Gate(ClassPrefilter prefilter, long waitMillis) {
    this.prefilter = prefilter;
    this.waitMillis = waitMillis;
  }

  void installer(Thread thread) {
    installer = thread;
  }

  /**
   * Hands over the rewriter; the classes that could not wait for it are retransformed now.
   *
   * @param instrumentation what retransforms them
   */
  void open(Rewriter built, Instrumentation instrumentation) {
    transformer = built;
    ready.countDown();
    if (!missed.isEmpty()) {
      List<Class<?>> late = new ArrayList<>();
      for (Class<?> type : instrumentation.getAllLoadedClasses()) {
        if (!type.isArray()
            && !type.isPrimitive()
            && missed.contains(key(type.getClassLoader(), type.getName().replace('.', '/')))) {
          late.add(type);
        }
      }
      LOG.warn("depcache instrumentation ready late; retransforming {} classes", late.size());
      AgentInstaller.retransform(instrumentation, late);
    }
  }

  /** The build failed ({@code null}: the agent is being removed); classes load as they are. */
  void fail(Throwable failure) {
    if (failure != null) {
      LOG.error(
          "depcache could not build its instrumentation; the application runs uncached: {}",
          failure.toString());
    }
    ready.countDown();
  }

  @Override
  public byte[] transform(
      Module module,
      ClassLoader loader,
      String name,
      Class<?> redefined,
      ProtectionDomain domain,
      byte[] bytes)
      throws IllegalClassFormatException {
    if (!prefilter.mayMatch(loader, name, bytes)) {
      return null;
    }
    Rewriter built = transformer;
    if (built == null) {
      if (Thread.currentThread() == installer) {
        return null; // the installer never waits for itself
      }
      try {
        if (!ready.await(waitMillis, TimeUnit.MILLISECONDS) && !warned) {
          warned = true;
          LOG.error(
              "depcache instrumentation not ready after {} s; {} and later classes run uncached"
                  + " until it is",
              waitMillis / 1000.0,
              name);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      }
      built = transformer;
      if (built == null) {
        missed.add(key(loader, name));
        built = transformer; // open() may have come in between: then it is not too late
        if (built == null) {
          return null;
        }
        missed.remove(key(loader, name));
      }
    }
    byte[] result = built.rewrite(loader, name, bytes);
    if (result != null) {
      rewritten.add(key(loader, name));
    }
    return result;
  }

  /** Whether this gate rewrote {@code type} (when it was loaded or retransformed). */
  boolean rewrote(Class<?> type) {
    return rewritten.contains(key(type.getClassLoader(), type.getName().replace('.', '/')));
  }

  private static String key(ClassLoader loader, String internalName) {
    return MethodIdBinding.loaderIdentity(loader) + ":" + internalName;
  }
}
