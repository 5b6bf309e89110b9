package io.depcache;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Caches the result of the annotated method in the depcache store, keyed by its arguments, and
 * tracks what the result depends on.
 *
 * <p>While the method runs it may declare dependencies with {@link DepCache#addDependency(String)};
 * {@link #dependencies()} declares them up front as templates. A later {@link
 * CacheManager#invalidateDependency(String)} removes every entry that depends on the invalidated
 * string, including entries of enclosing cached calls.
 *
 * <p>The annotation takes effect only when the application runs with {@code
 * -javaagent:depcache-agent.jar}; without the agent the method just runs.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
@Documented
public @interface DepCached {
  /** Seconds an entry lives; {@code -1} takes the configured default, {@code 0} never expires. */
  long ttl() default -1;

  /** Dependency templates such as {@code "user:{0}"} or {@code "team:{0.teamId}"}. */
  String[] dependencies() default {};

  /** Key template; empty derives the key from the class, the method and the arguments. */
  String key() default "";

  /** The named manager that holds the entries; empty uses the default manager. */
  String manager() default "";

  /** Exception types cached like results and rethrown (same type, same message) on a hit. */
  Class<? extends Throwable>[] cacheExceptions() default {};

  /** Whether a {@code null} result is cached. */
  boolean cacheNulls() default true;
}
