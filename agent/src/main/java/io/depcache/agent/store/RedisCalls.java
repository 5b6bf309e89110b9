package io.depcache.agent.store;

import java.net.SocketTimeoutException;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import redis.clients.jedis.exceptions.JedisBusyException;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * One Redis call under depcache's rules: every client failure becomes a {@link StoreException} of
 * the kind that says what it means (an outage, a command error, refused writes), and a call that
 * found its pooled connection closed is made once more.
 */
final class RedisCalls {
  private RedisCalls() {}

  /**
   * Runs one Redis call, turning every client failure into a {@link StoreException}. A pooled
   * connection that Redis closed (a restart, a failover, an idle timeout) fails at once, without
   * waiting: the call is then made once more, on a fresh connection, so that caching resumes with
   * the first call after Redis is back instead of with one failure per pooled connection. A timeout
   * is never tried again: the call has already waited for as long as it may.
   */
  static <T> T run(String redactedUrl, String operation, Supplier<T> action) {
    return run(redactedUrl, operation, Supplier::get, action);
  }

  /**
   * As {@link #run(String, String, Supplier)}, for an action that takes its argument instead of
   * capturing it: the caller allocates no lambda per call.
   */
  static <A, T> T run(String redactedUrl, String operation, Function<A, T> action, A argument) {
    try {
      return action.apply(argument);
    } catch (StoreException e) {
      throw e;
    } catch (ConnectionsBusy e) {
      throw busy(redactedUrl, operation, e);
    } catch (JedisConnectionException e) {
      if (!timedOut(e)) {
        try {
          return action.apply(argument);
        } catch (RuntimeException again) {
          throw failure(redactedUrl, operation, again);
        }
      }
      throw failure(redactedUrl, operation, e);
    } catch (RuntimeException e) {
      throw failure(redactedUrl, operation, e);
    }
  }

  /**
   * Walks a {@code SCAN} from its first cursor to its last, each page one call under these rules.
   *
   * @param scan one {@code SCAN} from the cursor it is given
   * @param page takes each non-empty page of keys
   */
  static void scanPages(
      String redactedUrl, Function<byte[], ScanResult<byte[]>> scan, Consumer<List<byte[]>> page) {
    byte[] cursor = ScanParams.SCAN_POINTER_START_BINARY;
    do {
      ScanResult<byte[]> keys = run(redactedUrl, "SCAN", scan, cursor);
      if (!keys.getResult().isEmpty()) {
        page.accept(keys.getResult());
      }
      cursor = keys.getCursorAsBytes();
    } while (!(cursor.length == 1 && cursor[0] == '0'));
  }

  private static StoreException busy(String redactedUrl, String operation, ConnectionsBusy e) {
    return new StoreException(
        StoreException.Kind.BUSY,
        "Redis " + operation + " on " + redactedUrl + " not sent: " + e.getMessage(),
        e);
  }

  /** A failure of {@code operation}, as the exception that callers handle, naming the server. */
  static StoreException failure(String redactedUrl, String operation, RuntimeException e) {
    return e instanceof StoreException known
        ? known
        : new StoreException(
            kindOf(e),
            "Redis "
                + operation
                + " on "
                + redactedUrl
                + " failed: "
                + ConnectFailures.describe(e, redactedUrl.startsWith("rediss:")),
            e);
  }

  private static boolean timedOut(Throwable e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof SocketTimeoutException) {
        return true;
      }
    }
    return false;
  }

  /**
   * An error reply is about the command, not the connection, unless Redis says it is busy or
   * loading; out of memory, a read-only replica and a failed save refuse writes, not reads.
   */
  static StoreException.Kind kindOf(RuntimeException e) {
    if (!(e instanceof JedisDataException)
        || e instanceof JedisBusyException
        || ConnectFailures.isLoginRefused(e)) {
      // A refused login is as good as no Redis: every call would fail the same way.
      return StoreException.Kind.UNAVAILABLE;
    }
    String reply = String.valueOf(e.getMessage());
    if (reply.startsWith("OOM") || reply.startsWith("READONLY") || reply.startsWith("MISCONF")) {
      return StoreException.Kind.WRITES_REFUSED;
    }
    if (reply.startsWith("LOADING") || reply.startsWith("MASTERDOWN") || reply.startsWith("BUSY")) {
      return StoreException.Kind.UNAVAILABLE;
    }
    return StoreException.Kind.COMMAND;
  }
}
