package io.depcache.agent.store;

import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import javax.net.ssl.SSLException;
import redis.clients.jedis.exceptions.JedisAccessControlException;

/**
 * Says in one sentence why a connection could not be opened, for the one log line a user reads: a
 * TLS handshake that failed (and on which side, where the JDK tells), a refused login, a command
 * the user's ACL rules refuse, or a store setting that cannot work. Jedis wraps these several
 * layers deep ("Could not get a resource from the pool"); the sentence names the cause and the key
 * to look at, never a password.
 */
final class ConnectFailures {
  private ConnectFailures() {}

  /**
   * The most telling message of a failure and its causes.
   *
   * @param e what a Redis call threw
   * @param tls whether the connection is TLS ({@code rediss://})
   * @return the sentence; {@code e}'s own message when no known cause is found
   */
  static String describe(Throwable e, boolean tls) {
    boolean opening = false;
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      opening |= cause instanceof DeadlineConnections.OpeningFailed;
      if (tls && opening && cause instanceof java.net.SocketException closed) {
        return "the TLS connection closed while it was opened ("
            + closed
            + "): a server that wants a client certificate closes connections that show none, or"
            + " one it does not trust; check depcache.redis.tls.keystore";
      }
      if (cause instanceof StoreException store) {
        return store.getMessage(); // ours, worded already (an unreadable trust store)
      }
      if (cause instanceof SSLException handshake) {
        return tls(handshake);
      }
      if (cause instanceof JedisAccessControlException refused) {
        String reply = String.valueOf(refused.getMessage());
        if (reply.startsWith("NOPERM")) {
          // The login was taken; a command of the connection's set-up (CLIENT SETNAME, CLUSTER
          // SLOTS) was not: the password is right, the user's rules are not.
          return "refused by the server's ACL: "
              + reply
              + " (the user logged in but lacks a permission the agent needs: compare its rules"
              + " with the README's ACL SETUSER lines)";
        }
        return "login refused: "
            + reply
            + " (check depcache.redis.user and depcache.redis.password, or the URL's user)";
      }
    }
    return e.getMessage();
  }

  /** Whether Redis refused the user and password (WRONGPASS, or NOAUTH: none given). */
  static boolean isLoginRefused(Throwable e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof JedisAccessControlException) {
        return true;
      }
      String message = String.valueOf(cause.getMessage());
      if (message.startsWith("NOAUTH") || message.startsWith("WRONGPASS")) {
        return true;
      }
    }
    return false;
  }

  private static String tls(SSLException e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof CertPathBuilderException
          || cause instanceof CertPathValidatorException) {
        return "TLS handshake failed: the server's certificate is not trusted ("
            + e.getMessage()
            + "); check depcache.redis.tls.truststore";
      }
    }
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof CertificateException) {
        return "TLS handshake failed: the server's certificate does not name the host connected"
            + " to ("
            + e.getMessage()
            + "); connect by a name in the certificate, or set"
            + " depcache.redis.tls.verify-hostname=false";
      }
    }
    return "TLS handshake failed: "
        + e.getMessage()
        + " (a server that wants a client certificate refuses a connection without one: check"
        + " depcache.redis.tls.keystore)";
  }
}
