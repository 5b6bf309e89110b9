package io.depcache.agent.runtime;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * How a cached method's result arrives: at once ({@link #NONE}), or later, through a {@code
 * CompletableFuture} or {@code CompletionStage} ({@link #FUTURE}), a Reactor {@code Mono} or {@code
 * Flux}. Of an asynchronous result, the completed value is cached (a {@code Flux}'s elements as a
 * list), and every caller gets a result of its own.
 */
enum Async {
  NONE,
  FUTURE,
  MONO,
  FLUX;

  /** The kind of a method by the erasure of its return type; Reactor's types by name. */
  static Async of(String returnTypeName) {
    return switch (returnTypeName) {
      case "java.util.concurrent.CompletableFuture", "java.util.concurrent.CompletionStage" ->
          FUTURE;
      case "reactor.core.publisher.Mono" -> MONO;
      case "reactor.core.publisher.Flux" -> FLUX;
      default -> NONE;
    };
  }

  boolean isAsync() {
    return this != NONE;
  }

  /**
   * The type of what is cached, from the method's generic return type: the future's or Mono's type
   * argument, a list of the Flux's.
   */
  Type valueType(Type returnType) {
    Type argument =
        returnType instanceof ParameterizedType generic
                && generic.getActualTypeArguments().length == 1
            ? generic.getActualTypeArguments()[0]
            : Object.class;
    return this == FLUX ? new ListOf(argument) : argument;
  }

  /**
   * What a hit returns: a new completed result.
   *
   * @param type the method's return type, in the caller's loader
   */
  Object completed(Object value, Class<?> type) {
    return switch (this) {
      case NONE -> value;
      case FUTURE -> CompletableFuture.completedFuture(value);
      case MONO, FLUX -> Reactor.of(type).completed(this, value);
    };
  }

  /** What a hit of a cached exception returns: a new result that fails with it. */
  Object failed(Throwable exception, Class<?> type) {
    return switch (this) {
      case NONE -> throw new IllegalStateException("not asynchronous");
      case FUTURE -> CompletableFuture.failedFuture(exception);
      case MONO, FLUX -> Reactor.of(type).failed(this, exception);
    };
  }

  /**
   * A new result of this kind that completes as {@code outcome} does; cancelling it leaves {@code
   * outcome} alone.
   */
  Object following(CompletableFuture<Object> outcome, Class<?> type) {
    return switch (this) {
      case NONE -> throw new IllegalStateException("not asynchronous");
      case FUTURE -> {
        CompletableFuture<Object> mine = new CompletableFuture<>();
        outcome.whenComplete(
            (value, failure) -> {
              if (failure != null) {
                mine.completeExceptionally(failure);
              } else {
                mine.complete(value);
              }
            });
        yield mine;
      }
      case MONO, FLUX -> Reactor.of(type).following(this, outcome);
    };
  }

  /**
   * The completion of what a future-returning body returned, or {@code null} when it is not a
   * stage. Reactor's results complete when subscribed ({@link Reactor#subscribed}).
   */
  @SuppressWarnings("unchecked")
  static CompletionStage<Object> stageOf(Object returned) {
    return returned instanceof CompletionStage<?> stage ? (CompletionStage<Object>) stage : null;
  }

  /** What a future failed with: the cause of the {@link CompletionException} that wraps it. */
  static Throwable unwrap(Throwable failure) {
    Throwable cause = failure;
    while (cause instanceof CompletionException && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }

  /** {@code List<T>}: what a Flux of T is cached as. */
  private record ListOf(Type element) implements ParameterizedType {
    @Override
    public Type[] getActualTypeArguments() {
      return new Type[] {element};
    }

    @Override
    public Type getRawType() {
      return List.class;
    }

    @Override
    public Type getOwnerType() {
      return null;
    }

    @Override
    public String getTypeName() {
      return "java.util.List<" + element.getTypeName() + ">";
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof ParameterizedType p
          && p.getRawType() == List.class
          && p.getOwnerType() == null
          && p.getActualTypeArguments().length == 1
          && Objects.equals(p.getActualTypeArguments()[0], element);
    }

    @Override
    public int hashCode() {
      return List.class.hashCode() ^ element.hashCode();
    }
  }
}
