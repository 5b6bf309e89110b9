package io.depcache.agent.serial;

/** Stored bytes that cannot be read back: a miss, and the entry is deleted. */
public class CorruptEntryException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public CorruptEntryException(String message, Throwable cause) {
    super(message, cause);
  }

  public CorruptEntryException(String message) {
    super(message);
  }
}
