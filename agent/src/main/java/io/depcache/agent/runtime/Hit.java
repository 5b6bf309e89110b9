package io.depcache.agent.runtime;

import io.depcache.CacheLevel;
import io.depcache.agent.serial.EntryDependencies;

/**
 * A cached call answered without running its body: the value to return, or the exception to throw,
 * and the dependencies that come with it, each with the sequence at which it was read; and the
 * level that served it ({@link CacheLevel#NEAR} for a near hit).
 */
record Hit(Object value, Throwable exception, EntryDependencies dependencies, CacheLevel level)
    implements Lookup, Call {
  /** A hit of the store, or what a computation of this JVM shared. */
  Hit(Object value, Throwable exception, EntryDependencies dependencies) {
    this(value, exception, dependencies, CacheLevel.STORE);
  }

  /** A hit with no dependencies: a failure under {@code on-error=fail}. */
  Hit(Object value, Throwable exception) {
    this(value, exception, EntryDependencies.NONE);
  }
}
