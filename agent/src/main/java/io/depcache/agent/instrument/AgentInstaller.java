package io.depcache.agent.instrument;

import static net.bytebuddy.matcher.ElementMatchers.declaresMethod;
import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.isAnnotatedWith;
import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.isNative;
import static net.bytebuddy.matcher.ElementMatchers.isSynthetic;
import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.returns;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import io.depcache.agent.runtime.MethodRegistry;
import io.depcache.agent.serial.AllowList;
import java.lang.instrument.Instrumentation;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.agent.builder.ResettableClassFileTransformer;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.utility.JavaModule;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one {@link AgentBuilder} recipe: which types are looked at, which methods are rewritten and
 * with which advice. Retransformation, so that classes loaded before an attach are rewritten too;
 * inline advice only, so that no class changes shape.
 */
public final class AgentInstaller {
  static final String FACADE = "io.depcache.DepCache";
  private static final Logger LOG = LoggerFactory.getLogger("depcache");

  private AgentInstaller() {}

  /**
   * Installs the transformer and rewrites the matching classes already loaded.
   *
   * @param instrumentation from premain, agentmain or ByteBuddyAgent
   * @param registry numbers the cached methods
   * @param allowList gains the packages of cached methods' classes and return types
   * @return the transformer, which tests reset to undo the instrumentation
   */
  public static ResettableClassFileTransformer install(
      Instrumentation instrumentation, MethodRegistry registry, AllowList allowList) {
    ElementMatcher.Junction<MethodDescription> cached =
        isAnnotatedWith(named(SpecReader.DEP_CACHED))
            .and(not(isAbstract()))
            .and(not(isNative()))
            .and(not(isConstructor()))
            .and(not(returns(void.class)));
    return new AgentBuilder.Default()
        .disableClassFormatChanges()
        .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
        .with(AgentBuilder.TypeStrategy.Default.DECORATE)
        // EXTENDED keeps the MethodParameters attribute, which {name} templates need; POOL_FIRST
        // reads loaded classes from their class files too, so a retransformation sees the same.
        .with(AgentBuilder.PoolStrategy.Default.EXTENDED)
        .with(AgentBuilder.DescriptionStrategy.Default.POOL_FIRST)
        // The API on the bootstrap path was appended from a jar that the boot loader's own
        // locator does not read; the system loader's resources reach it (and the class path).
        .with(
            AgentBuilder.LocationStrategy.ForClassLoader.STRONG.withFallbackTo(
                ClassFileLocator.ForClassLoader.ofSystemLoader()))
        .with(new ErrorLogger())
        .ignore(ignored())
        .type(named(FACADE))
        .transform(
            (builder, type, loader, module, domain) ->
                builder
                    .visit(
                        Advice.to(FacadeAdvice.AddDependency.class)
                            .on(named("addDependency").and(takesArguments(1))))
                    .visit(
                        Advice.to(FacadeAdvice.AddDependencyTo.class)
                            .on(named("addDependency").and(takesArguments(2))))
                    .visit(Advice.to(FacadeAdvice.SetTtl.class).on(named("setTtl")))
                    .visit(
                        Advice.to(FacadeAdvice.CurrentCacheKey.class).on(named("currentCacheKey")))
                    .visit(Advice.to(FacadeAdvice.IsAgentActive.class).on(named("isAgentActive")))
                    .visit(Advice.to(FacadeAdvice.Manager.class).on(named("manager"))))
        .type(not(named(FACADE)).and(declaresMethod(cached)))
        .transform(
            (builder, type, loader, module, domain) -> {
              allowPackages(type, allowList);
              return builder.visit(
                  Advice.withCustomMapping()
                      .bind(new MethodIdBinding(registry, loader))
                      .to(CachedAdvice.class)
                      .on(cached));
            })
        .installOn(instrumentation);
  }

  private static ElementMatcher.Junction<TypeDescription> ignored() {
    return nameStartsWith("java.")
        .or(nameStartsWith("javax."))
        .or(nameStartsWith("jdk."))
        .or(nameStartsWith("sun."))
        .or(nameStartsWith("com.sun."))
        .or(nameStartsWith("net.bytebuddy."))
        .or(nameStartsWith("io.depcache.agent."))
        .or(nameStartsWith("io.depcache.bridge."))
        .or(nameStartsWith("io.depcache.").and(not(named(FACADE))))
        .or(isSynthetic());
  }

  private static void allowPackages(TypeDescription type, AllowList allowList) {
    for (MethodDescription method :
        type.getDeclaredMethods().filter(isAnnotatedWith(named(SpecReader.DEP_CACHED)))) {
      for (String pkg : SpecReader.read(type, method).valuePackages()) {
        allowList.allow(pkg + ".*");
      }
    }
  }

  /** Logs a class that could not be rewritten; the class then runs as it was. */
  private static final class ErrorLogger extends AgentBuilder.Listener.Adapter {
    @Override
    public void onError(
        String typeName,
        ClassLoader classLoader,
        JavaModule module,
        boolean loaded,
        Throwable throwable) {
      LOG.warn("could not instrument {}; it runs uncached: {}", typeName, throwable.toString());
    }

    @Override
    public void onTransformation(
        TypeDescription typeDescription,
        ClassLoader classLoader,
        JavaModule module,
        boolean loaded,
        net.bytebuddy.dynamic.DynamicType dynamicType) {
      LOG.debug("instrumented {}", typeDescription.getName());
    }
  }
}
