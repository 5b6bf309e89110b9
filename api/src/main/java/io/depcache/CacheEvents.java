package io.depcache;

/** The listeners of one manager. */
public interface CacheEvents {
  /**
   * Registers a listener for one type of event.
   *
   * @param type the event type
   * @param listener the listener
   */
  void on(CacheEventType type, CacheEventListener listener);

  /**
   * Registers a listener for every type of event.
   *
   * @param listener the listener
   */
  void onAll(CacheEventListener listener);

  /**
   * Removes a listener registered with {@link #on}.
   *
   * @param type the event type
   * @param listener the listener
   */
  void off(CacheEventType type, CacheEventListener listener);

  /**
   * Removes a listener from every type it is registered for.
   *
   * @param listener the listener
   */
  void offAll(CacheEventListener listener);
}
