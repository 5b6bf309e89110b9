package io.depcache.agent.runtime;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Reactor's {@code Mono} and {@code Flux}, reached through the application's own Reactor by
 * reflection: the agent does not depend on Reactor. One instance per loaded copy of Reactor, found
 * from a cached method's return type.
 *
 * <p>A cached value is a {@code Mono}'s value ({@code null} for an empty one) or the list of a
 * {@code Flux}'s elements. A hit replays it. On a miss the caller gets a publisher that, when first
 * subscribed, subscribes to the body's one with the call's context current (operators that hop to
 * Reactor's schedulers carry it on), and completes with its outcome; every subscription gets a
 * future of its own, so that cancelling one cancels nothing else.
 */
final class Reactor {
  private static final ClassValue<Reactor> BY_TYPE =
      new ClassValue<>() {
        @Override
        protected Reactor computeValue(Class<?> type) {
          try {
            return new Reactor(type.getClassLoader());
          } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Reactor cannot be reached from " + type + ": " + e, e);
          }
        }
      };

  private final MethodHandle monoJustOrEmpty;
  private final MethodHandle monoError;
  private final MethodHandle monoFromFuture;
  private final MethodHandle monoDefer;
  private final MethodHandle monoToFuture;
  private final MethodHandle monoFlatMapIterable;
  private final MethodHandle fluxFromIterable;
  private final MethodHandle fluxError;
  private final MethodHandle fluxDefer;
  private final MethodHandle fluxCollectList;

  private Reactor(ClassLoader loader) throws ReflectiveOperationException {
    Class<?> mono = Class.forName("reactor.core.publisher.Mono", false, loader);
    Class<?> flux = Class.forName("reactor.core.publisher.Flux", false, loader);
    MethodHandles.Lookup lookup = MethodHandles.publicLookup();
    monoJustOrEmpty =
        lookup.findStatic(mono, "justOrEmpty", MethodType.methodType(mono, Object.class));
    monoError = lookup.findStatic(mono, "error", MethodType.methodType(mono, Throwable.class));
    monoFromFuture =
        lookup.findStatic(mono, "fromFuture", MethodType.methodType(mono, CompletableFuture.class));
    monoDefer = lookup.findStatic(mono, "defer", MethodType.methodType(mono, Supplier.class));
    monoToFuture =
        lookup.findVirtual(mono, "toFuture", MethodType.methodType(CompletableFuture.class));
    monoFlatMapIterable =
        lookup.findVirtual(mono, "flatMapIterable", MethodType.methodType(flux, Function.class));
    fluxFromIterable =
        lookup.findStatic(flux, "fromIterable", MethodType.methodType(flux, Iterable.class));
    fluxError = lookup.findStatic(flux, "error", MethodType.methodType(flux, Throwable.class));
    fluxDefer = lookup.findStatic(flux, "defer", MethodType.methodType(flux, Supplier.class));
    fluxCollectList = lookup.findVirtual(flux, "collectList", MethodType.methodType(mono));
  }

  /** The Reactor of a {@code Mono} or {@code Flux} class. */
  static Reactor of(Class<?> type) {
    return BY_TYPE.get(type);
  }

  /**
   * A publisher of {@code value}: a Mono of it (empty for {@code null}), a Flux of its elements.
   */
  Object completed(Async kind, Object value) {
    try {
      return kind == Async.MONO
          ? monoJustOrEmpty.invoke(value)
          : fluxFromIterable.invoke(value == null ? List.of() : (Iterable<?>) value);
    } catch (Throwable e) {
      throw rethrown(e);
    }
  }

  /** A publisher that fails with {@code exception}. */
  Object failed(Async kind, Throwable exception) {
    try {
      return kind == Async.MONO ? monoError.invoke(exception) : fluxError.invoke(exception);
    } catch (Throwable e) {
      throw rethrown(e);
    }
  }

  /** A publisher that completes as {@code outcome} does, each subscription with its own future. */
  Object following(Async kind, CompletableFuture<Object> outcome) {
    return deferred(kind, () -> {}, outcome);
  }

  /**
   * A publisher that runs {@code onSubscribe} at each subscription, then completes as {@code
   * outcome} does.
   */
  Object deferred(Async kind, Runnable onSubscribe, CompletableFuture<Object> outcome) {
    Supplier<Object> perSubscription =
        () -> {
          onSubscribe.run();
          CompletableFuture<Object> mine = outcome.thenApply(Function.identity());
          try {
            Object mono = monoFromFuture.invoke(mine);
            return kind == Async.MONO
                ? mono
                : monoFlatMapIterable.invoke(
                    mono,
                    (Function<Object, Iterable<?>>)
                        list -> list == null ? List.of() : (Iterable<?>) list);
          } catch (Throwable e) {
            throw rethrown(e);
          }
        };
    try {
      return kind == Async.MONO
          ? monoDefer.invoke(perSubscription)
          : fluxDefer.invoke(perSubscription);
    } catch (Throwable e) {
      throw rethrown(e);
    }
  }

  /**
   * Subscribes to what the body returned, now: the completion of its value, or of the list of its
   * elements.
   */
  @SuppressWarnings("unchecked")
  CompletionStage<Object> subscribe(Async kind, Object publisher) {
    try {
      Object mono = kind == Async.MONO ? publisher : fluxCollectList.invoke(publisher);
      return (CompletionStage<Object>) monoToFuture.invoke(mono);
    } catch (Throwable e) {
      throw rethrown(e);
    }
  }

  private static RuntimeException rethrown(Throwable e) {
    if (e instanceof RuntimeException runtime) {
      return runtime;
    }
    if (e instanceof Error error) {
      throw error;
    }
    return new IllegalStateException(e);
  }
}
