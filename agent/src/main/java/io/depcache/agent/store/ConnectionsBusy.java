package io.depcache.agent.store;

import redis.clients.jedis.exceptions.JedisConnectionException;

/**
 * No pooled connection came free within the call's timeout: this JVM has more calls waiting for
 * Redis than connections, which says nothing about Redis ({@link StoreException.Kind#BUSY}).
 */
final class ConnectionsBusy extends JedisConnectionException {
  private static final long serialVersionUID = 1L;

  ConnectionsBusy(String message, Throwable cause) {
    super(message, cause);
  }
}
