package io.depcache.agent.instrument;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import io.depcache.agent.runtime.InvalidationSpec;
import io.depcache.agent.runtime.MethodRegistry;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.dynamic.TypeResolutionStrategy;
import net.bytebuddy.pool.TypePool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rewrites one class that the prefilter passed: describes it from its bytes, lets the {@link
 * Selector} decide each method, and inlines the advice. Byte Buddy's {@code decorate} keeps the
 * class's shape (no member is added or removed), so the result is also valid for retransforming a
 * loaded class. A class that cannot be rewritten is logged and left as it is.
 *
 * <p>This is what Byte Buddy's {@code AgentBuilder} would do for us, without the several hundred
 * classes (and a class generated at run time) that building one costs at start-up.
 */
final class Rewriter {
  private static final Logger LOG = LoggerFactory.getLogger("depcache");

  private final Selector selector;
  private final MethodRegistry registry;
  private final ClassFileLocator apiFiles;
  private final ByteBuddy byteBuddy = new ByteBuddy();

  Rewriter(Selector selector, MethodRegistry registry, ClassFileLocator apiFiles) {
    this.selector = selector;
    this.registry = registry;
    this.apiFiles = apiFiles;
  }

  /**
   * The rewritten class file, or {@code null} to leave the class as it is.
   *
   * @param loader the defining loader, {@code null} for the bootstrap loader
   * @param internalName the class file's name of the class
   * @param bytes its class file
   */
  byte[] rewrite(ClassLoader loader, String internalName, byte[] bytes) {
    String name = internalName.replace('/', '.');
    try {
      // The class's own bytes first; its supertypes and the API's types from its loader, or from
      // the agent's own copy of the API (the bootstrap loader's locator cannot read an appended
      // jar, and a Spring Boot or web application loader may not see the API at all).
      ClassFileLocator locator =
          new ClassFileLocator.Compound(
              ClassFileLocator.Simple.of(name, bytes),
              loader == null
                  ? ClassFileLocator.ForClassLoader.ofBootLoader()
                  : ClassFileLocator.ForClassLoader.of(loader),
              apiFiles);
      // EXTENDED keeps the MethodParameters attribute, which {name} templates need.
      TypePool pool =
          new TypePool.Default.WithLazyResolution(
              new TypePool.CacheProvider.Simple(), locator, TypePool.Default.ReaderMode.EXTENDED);
      TypeDescription type = pool.describe(name).resolve();
      if (type.isSynthetic()) {
        return null;
      }
      DynamicType.Builder<?> builder = byteBuddy.decorate(type, locator);
      if (name.equals(AgentInstaller.FACADE)) {
        builder = facade(builder);
      } else {
        Selector.Decisions decisions = selector.decide(type, loader);
        if (decisions.isEmpty()) {
          return null;
        }
        builder = cached(builder, type, decisions, loader);
      }
      byte[] rewritten = builder.make(TypeResolutionStrategy.Passive.INSTANCE, pool).getBytes();
      LOG.debug("instrumented {}", name);
      return rewritten;
    } catch (Throwable t) {
      LOG.warn("could not instrument {}; it runs uncached: {}", name, t.toString());
      return null;
    }
  }

  private static DynamicType.Builder<?> facade(DynamicType.Builder<?> builder) {
    return builder
        .visit(
            Advice.to(FacadeAdvice.AddDependency.class)
                .on(named("addDependency").and(takesArguments(1))))
        .visit(
            Advice.to(FacadeAdvice.AddDependencyTo.class)
                .on(named("addDependency").and(takesArguments(2))))
        .visit(Advice.to(FacadeAdvice.SetTtl.class).on(named("setTtl")))
        .visit(Advice.to(FacadeAdvice.CurrentCacheKey.class).on(named("currentCacheKey")))
        .visit(Advice.to(FacadeAdvice.IsAgentActive.class).on(named("isAgentActive")))
        .visit(Advice.to(FacadeAdvice.Manager.class).on(named("manager")))
        .visit(Advice.to(FacadeAdvice.ContextHandle.class).on(named("contextHandle")))
        .visit(Advice.to(FacadeAdvice.ContextActive.class).on(named("contextActive")))
        .visit(Advice.to(FacadeAdvice.ContextAddDependency.class).on(named("contextAddDependency")))
        .visit(Advice.to(FacadeAdvice.ContextSetTtl.class).on(named("contextSetTtl")))
        .visit(Advice.to(FacadeAdvice.ContextKey.class).on(named("contextKey")))
        .visit(Advice.to(FacadeAdvice.ContextEnter.class).on(named("contextEnter")))
        .visit(Advice.to(FacadeAdvice.ContextExit.class).on(named("contextExit")));
  }

  private DynamicType.Builder<?> cached(
      DynamicType.Builder<?> builder,
      TypeDescription described,
      Selector.Decisions decisions,
      ClassLoader loader) {
    int loaderIdentity = MethodIdBinding.loaderIdentity(loader);
    Map<String, Selector.Cached> cached = decisions.cached();
    Map<String, InvalidationSpec> invalidating = decisions.invalidating();
    if (!cached.isEmpty()) {
      MethodIdBinding<MethodId> ids =
          new MethodIdBinding<>(
              MethodId.class,
              (type, method) -> {
                Selector.Cached c = cached.get(Selector.key(method));
                return registry.register(c.spec(), loaderIdentity, c.origin());
              });
      Advice.WithCustomMapping mapping = Advice.withCustomMapping().bind(ids);
      // the advice of each shape of cached method that the class has, each read once
      Set<Class<?>> kinds = new LinkedHashSet<>();
      for (MethodDescription method : described.getDeclaredMethods()) {
        if (cached.containsKey(Selector.key(method))) {
          kinds.add(CachedAdvice.forMethod(method));
        }
      }
      for (Class<?> advice : kinds) {
        builder =
            builder.visit(
                mapping
                    .to(advice)
                    .on(
                        method ->
                            cached.containsKey(Selector.key(method))
                                && CachedAdvice.forMethod(method) == advice));
      }
    }
    if (!invalidating.isEmpty()) {
      MethodIdBinding<InvalidationId> ids =
          new MethodIdBinding<>(
              InvalidationId.class,
              (type, method) ->
                  registry.registerInvalidation(
                      invalidating.get(Selector.key(method)), loaderIdentity));
      builder =
          builder.visit(
              Advice.withCustomMapping()
                  .bind(ids)
                  .to(InvalidatesAdvice.class)
                  .on(method -> invalidating.containsKey(Selector.key(method))));
    }
    return builder;
  }
}
