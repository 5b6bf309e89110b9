package io.depcache.agent.serial;

/** A value that the serializer cannot encode; the call that produced it runs uncached. */
public class NotSerializableValueException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public NotSerializableValueException(String message, Throwable cause) {
    super(message, cause);
  }
}
