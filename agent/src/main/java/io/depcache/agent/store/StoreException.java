package io.depcache.agent.store;

/** The store could not do what was asked: unreachable, timed out, or answered with an error. */
public class StoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** What kind of fault: only an unavailable store is an outage. */
  public enum Kind {
    /** Unreachable, timed out, or too busy to answer: the store may be down (an outage). */
    UNAVAILABLE,
    /** The store answered this command with an error (a key of another type, say). */
    COMMAND,
    /** The store answered, and refuses writes for now (out of memory, a read-only replica). */
    WRITES_REFUSED,
    /**
     * The call found no free connection within its timeout: this JVM has more calls waiting for the
     * store than connections. The call goes on without the store; the store is not blamed.
     */
    BUSY
  }

  private final Kind kind;

  public StoreException(String message, Throwable cause) {
    this(Kind.UNAVAILABLE, message, cause);
  }

  public StoreException(String message) {
    this(Kind.UNAVAILABLE, message, null);
  }

  public StoreException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }

  /**
   * Whether a failure's message says the server refuses the command, which does not heal by itself
   * (an operator must change the server): a permission the ACL user lacks, for a command, a key or
   * a channel, sent directly or run inside a script, in the words of Redis 7.0 and 7.1 ({@code
   * NOPERM}, {@code can't run this command}, {@code can't access}) and of 7.2 and later ({@code ACL
   * failure in script}, {@code no permissions to}); or a command the server does not know.
   *
   * @param message a failure's message, or {@code null}
   */
  public static boolean refusal(String message) {
    if (message == null) {
      return false;
    }
    for (String words : REFUSALS) {
      if (message.contains(words)) {
        return true;
      }
    }
    return false;
  }

  private static final String[] REFUSALS = {
    "NOPERM",
    "can't run this command",
    "can't access",
    "ACL failure in script",
    "no permissions to",
    "unknown command"
  };
}
