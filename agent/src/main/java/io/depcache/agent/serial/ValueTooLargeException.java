package io.depcache.agent.serial;

/**
 * A value whose encoding would exceed {@code depcache.max-entry-bytes}: it is not written, and the
 * serializer stopped at the limit instead of buffering the whole value.
 */
public class ValueTooLargeException extends NotSerializableValueException {
  private static final long serialVersionUID = 1L;

  public ValueTooLargeException(String message) {
    super(message, null);
  }
}
