package io.depcache.agent.runtime;

import io.depcache.agent.serial.Dependency;
import java.util.List;

/**
 * A cached call answered without running its body: the value to return, or the exception to throw,
 * and the dependencies that come with it, each with the sequence at which it was read.
 */
record Hit(Object value, Throwable exception, List<Dependency> dependencies, long[] sequences)
    implements Lookup {
  Hit(Object value, Throwable exception) {
    this(value, exception, List.of(), new long[0]);
  }
}
