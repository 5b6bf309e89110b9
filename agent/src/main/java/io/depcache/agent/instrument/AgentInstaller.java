package io.depcache.agent.instrument;

import static net.bytebuddy.matcher.ElementMatchers.isSynthetic;
import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import io.depcache.agent.config.InvalidationRule;
import io.depcache.agent.config.TargetRule;
import io.depcache.agent.runtime.InvalidationSpec;
import io.depcache.agent.runtime.MethodRegistry;
import io.depcache.agent.serial.AllowList;
import java.io.IOException;
import java.lang.instrument.Instrumentation;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.agent.builder.ResettableClassFileTransformer;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.DynamicType;
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
   * Installs the transformer for annotated methods only.
   *
   * @param instrumentation from premain, agentmain or ByteBuddyAgent
   * @param registry numbers the cached methods
   * @param allowList gains the packages of cached methods' classes and return types
   * @return the transformer, which tests reset to undo the instrumentation
   */
  public static ResettableClassFileTransformer install(
      Instrumentation instrumentation, MethodRegistry registry, AllowList allowList) {
    try {
      return install(instrumentation, registry, allowList, List.of(), List.of(), null);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e); // no jar to open: cannot happen
    }
  }

  /**
   * Installs the transformer and rewrites the matching classes already loaded.
   *
   * @param instrumentation from premain, agentmain or ByteBuddyAgent
   * @param registry numbers the cached and invalidating methods
   * @param allowList gains the packages of cached methods' classes and return types
   * @param targets methods cached by configuration, their patterns already validated
   * @param invalidations methods that invalidate by configuration
   * @param apiJar the agent's own copy of the API (the jar it put on the bootstrap search), or
   *     {@code null} when the API's class files are found through the system loader (tests)
   * @return the transformer, which tests reset to undo the instrumentation
   * @throws IOException when {@code apiJar} cannot be opened
   */
  public static ResettableClassFileTransformer install(
      Instrumentation instrumentation,
      MethodRegistry registry,
      AllowList allowList,
      List<TargetRule> targets,
      List<InvalidationRule> invalidations,
      Path apiJar)
      throws IOException {
    Selector selector = new Selector(targets, invalidations);
    // The type matcher decides every method of the type; the transformation that follows on the
    // same thread reuses that decision instead of walking the type again.
    ThreadLocal<Selector.Decisions> last = new ThreadLocal<>();
    AgentBuilder.RawMatcher candidates =
        (type, loader, module, redefined, domain) -> {
          if (type.getName().equals(FACADE)) {
            return false;
          }
          Selector.Decisions decisions = selector.decide(type, loader);
          last.set(decisions);
          return !decisions.isEmpty();
        };
    return new AgentBuilder.Default()
        .disableClassFormatChanges()
        .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
        .with(AgentBuilder.TypeStrategy.Default.DECORATE)
        // EXTENDED keeps the MethodParameters attribute, which {name} templates need. HYBRID
        // describes loaded classes by reflection: describing every class loaded before premain
        // from its class file doubled the start-up cost (SpecReader reads names from the file).
        .with(AgentBuilder.PoolStrategy.Default.EXTENDED)
        .with(AgentBuilder.DescriptionStrategy.Default.HYBRID)
        // The API on the bootstrap path was appended from a jar that the boot loader's own
        // locator does not read, and the system loader sees it only where the application's
        // API jar happens to be on the class path (not in a Spring Boot jar or a web
        // application): the agent's own copy is read instead.
        .with(AgentBuilder.LocationStrategy.ForClassLoader.STRONG.withFallbackTo(apiFiles(apiJar)))
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
        .type(candidates)
        .transform(
            (builder, type, loader, module, domain) -> {
              Selector.Decisions decisions = last.get();
              last.remove();
              if (decisions == null || !decisions.type().equals(type)) {
                decisions = selector.decide(type, loader);
              }
              return transform(builder, decisions, registry, allowList, loader);
            })
        .installOn(instrumentation);
  }

  private static ClassFileLocator apiFiles(Path apiJar) throws IOException {
    ClassFileLocator system = ClassFileLocator.ForClassLoader.ofSystemLoader();
    return apiJar == null
        ? system
        : new ClassFileLocator.Compound(ClassFileLocator.ForJarFile.of(apiJar.toFile()), system);
  }

  private static DynamicType.Builder<?> transform(
      DynamicType.Builder<?> builder,
      Selector.Decisions decisions,
      MethodRegistry registry,
      AllowList allowList,
      ClassLoader loader) {
    int loaderIdentity = MethodIdBinding.loaderIdentity(loader);
    Map<String, Selector.Cached> cached = decisions.cached();
    Map<String, InvalidationSpec> invalidating = decisions.invalidating();
    if (!cached.isEmpty()) {
      for (Selector.Cached method : cached.values()) {
        for (String pkg : method.spec().valuePackages()) {
          allowList.allow(pkg.isEmpty() ? "*" : pkg + ".*");
        }
      }
      MethodIdBinding<MethodId> ids =
          new MethodIdBinding<>(
              MethodId.class,
              (type, method) -> {
                Selector.Cached c = cached.get(Selector.key(method));
                return registry.register(c.spec(), loaderIdentity, c.origin());
              });
      builder =
          builder.visit(
              Advice.withCustomMapping()
                  .bind(ids)
                  .to(CachedAdvice.class)
                  .on(method -> cached.containsKey(Selector.key(method))));
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

  /** Types examined, supertypes summarised and milliseconds spent matching, for measurement. */
  public static String matchStats() {
    return "types="
        + Hierarchy.TYPES_EXAMINED.get()
        + " supertypes="
        + Hierarchy.SUPERTYPES_SUMMARISED.get()
        + " ms="
        + Hierarchy.MATCH_NANOS.get() / 1_000_000;
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
