package io.depcache.agent.instrument;

import static net.bytebuddy.matcher.ElementMatchers.named;

import io.depcache.DepCached;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.pool.TypePool;

/**
 * Rewrites a sample class once, off the application's threads and without defining it, so that the
 * first real cached class does not pay for loading the advice machinery (hundreds of Byte Buddy
 * classes) on the thread that loads it. Nothing is registered: the sample has a method number of
 * its own (0 is never looked up, since the sample is never defined).
 */
final class WarmUp {
  private WarmUp() {}

  /** A cached method with a template, the shape most applications have. */
  static final class Sample {
    @DepCached(ttl = 60, dependencies = "user:{0}")
    public String profile(long id) {
      return "user" + id;
    }
  }

  static void run(Selector selector) {
    ClassLoader loader = WarmUp.class.getClassLoader();
    ClassFileLocator locator = ClassFileLocator.ForClassLoader.of(loader);
    TypeDescription type = TypePool.Default.of(locator).describe(Sample.class.getName()).resolve();
    selector.decide(type, loader);
    new ByteBuddy()
        .redefine(type, locator)
        .visit(
            Advice.withCustomMapping()
                .bind(MethodId.class, 0)
                .to(CachedAdvice.OneLong.class) // the sample's: one long
                .on(named("profile")))
        .make()
        .getBytes();
  }
}
