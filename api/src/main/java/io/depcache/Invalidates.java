package io.depcache;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Invalidates dependencies after the annotated method returns normally (not when it throws).
 *
 * <p>Each value is a template, as in {@link DepCached#dependencies()}; {@code {result}} and {@code
 * {result.id}} refer to the return value.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
@Documented
public @interface Invalidates {
  /** Dependency templates to invalidate. */
  String[] value();

  /** The named manager; empty uses the default manager. */
  String manager() default "";
}
