package io.depcache;

/** The one unchecked exception type of depcache. */
public class DepCacheException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception with a message.
   *
   * @param message what went wrong and what was expected
   */
  public DepCacheException(String message) {
    super(message);
  }

  /**
   * Creates an exception with a message and a cause.
   *
   * @param message what went wrong and what was expected
   * @param cause the underlying failure
   */
  public DepCacheException(String message, Throwable cause) {
    super(message, cause);
  }
}
