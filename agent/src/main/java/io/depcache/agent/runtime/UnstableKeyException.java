package io.depcache.agent.runtime;

/** An argument has no key form that is the same in every JVM; the call runs uncached. */
final class UnstableKeyException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final transient Class<?> type;

  UnstableKeyException(Class<?> type, String why) {
    super(type.getName() + " has no stable key form: " + why, null, false, false);
    this.type = type;
  }

  Class<?> type() {
    return type;
  }
}
