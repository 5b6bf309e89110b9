package io.depcache.agent.store;

/** The store could not do what was asked: unreachable, timed out, or answered with an error. */
public class StoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }

  public StoreException(String message) {
    super(message);
  }
}
