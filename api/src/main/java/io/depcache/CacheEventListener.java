package io.depcache;

/**
 * Receives cache events.
 *
 * <p>Listeners run on the thread that caused the event. A listener that throws is logged and never
 * breaks the cached call.
 */
@FunctionalInterface
public interface CacheEventListener {
  /**
   * Called for each event the listener is registered for.
   *
   * @param event what happened
   */
  void onEvent(CacheEvent event);
}
