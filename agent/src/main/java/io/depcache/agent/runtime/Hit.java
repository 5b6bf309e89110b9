package io.depcache.agent.runtime;

import io.depcache.agent.serial.EntryDependencies;

/**
 * A cached call answered without running its body: the value to return, or the exception to throw,
 * and the dependencies that come with it, each with the sequence at which it was read.
 */
record Hit(Object value, Throwable exception, EntryDependencies dependencies)
    implements Lookup, Call {
  /** A hit with no dependencies: a failure under {@code on-error=fail}. */
  Hit(Object value, Throwable exception) {
    this(value, exception, EntryDependencies.NONE);
  }
}
