package io.depcache.agent.runtime;

/** A template placeholder cannot be resolved for one call; that call runs uncached. */
final class UnresolvableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  UnresolvableException(String message, Throwable cause) {
    super(message, cause, false, false);
  }
}
