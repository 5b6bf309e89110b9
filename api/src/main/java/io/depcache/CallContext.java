package io.depcache;

import java.util.concurrent.Callable;
import java.util.function.Supplier;

/**
 * A cached call as a handle that any thread can use while the call computes: where the agent's
 * automatic propagation (executors, {@code CompletableFuture}'s async stages, Reactor's schedulers)
 * does not reach, take it with {@link DepCache#currentContext()} on the call's thread and use it
 * elsewhere.
 *
 * <p>Once the call's value is stored (a synchronous call returned; an asynchronous one's result
 * completed) the handle is inactive: what is declared through it is ignored, and reported once per
 * method.
 */
public interface CallContext {
  /**
   * Tells whether the call still takes dependencies.
   *
   * @return {@code false} outside a cached call, without the agent, or once the value is stored
   */
  boolean isActive();

  /**
   * Declares that the call depends on {@code dependency}; safe from any thread.
   *
   * @param dependency a dependency such as {@code "user:42"}
   */
  void addDependency(String dependency);

  /**
   * Overrides the ttl of the call's entry.
   *
   * @param seconds seconds to live; {@code 0}: never expires
   */
  void setTtl(long seconds);

  /**
   * Returns the key of the call, in the form {@link CacheManager} takes.
   *
   * @return the key, or {@code null}
   */
  String cacheKey();

  /**
   * Returns a task that runs {@code task} with this call current: its dependencies and nested
   * cached calls count for this call.
   *
   * @param task the task
   * @return the wrapped task ({@code task} itself for an inactive context)
   */
  Runnable wrap(Runnable task);

  /**
   * Returns a task that calls {@code task} with this call current.
   *
   * @param task the task
   * @param <T> its result
   * @return the wrapped task ({@code task} itself for an inactive context)
   */
  <T> Callable<T> wrap(Callable<T> task);

  /**
   * Returns a supplier that asks {@code task} with this call current.
   *
   * @param task the supplier
   * @param <T> its result
   * @return the wrapped supplier ({@code task} itself for an inactive context)
   */
  <T> Supplier<T> wrapSupplier(Supplier<T> task);
}
