package io.depcache.agent.serial;

/**
 * Why the {@code kryo} serializer will not write or read a value: a class outside the allowlist or
 * without a serializer, a bound passed. Kryo's serializers wrap what they catch with the path of
 * fields that led to it; {@link KryoSerializer} finds this one in the chain for its message.
 */
final class KryoRefusal extends RuntimeException {
  private static final long serialVersionUID = 1L;

  KryoRefusal(String message) {
    // no stack trace: the message says all, and a planted entry should not cost a stack walk
    super(message, null, false, false);
  }

  /** The refusal in a chain of causes, or {@code null}. */
  static KryoRefusal in(Throwable e) {
    Throwable t = e;
    for (int i = 0; t != null && i < 64; i++, t = t.getCause()) {
      if (t instanceof KryoRefusal refusal) {
        return refusal;
      }
    }
    return null;
  }
}
