package io.depcache.agent.runtime;

import io.depcache.AsyncCacheManager;
import io.depcache.CacheEvent;
import io.depcache.CacheEventListener;
import io.depcache.CacheEventType;
import io.depcache.CacheEvents;
import io.depcache.CacheLevel;
import io.depcache.CacheManager;
import io.depcache.DepCacheException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Serves the agent's managers to a copy of the API that is not the agent's: one bundled in a
 * child-first loader (a web application's {@code WEB-INF/lib}, a plugin loader), or every copy when
 * the agent was attached after the application had loaded the API.
 *
 * <p>Such a copy's {@code CacheManager} is another interface with the same name, so the agent's
 * manager cannot be returned as it is. An adapter implements the copy's interfaces ({@code
 * CacheManager}, {@code CacheEvents}, {@code AsyncCacheManager}) with {@link Proxy} and forwards
 * each call to the agent's manager. Only JDK types and the API's own types cross: the latter
 * (events, event types, listeners, {@code DepCacheException}) are translated by name. Adapters are
 * kept per facade class, so that a loader's adapters go away with it.
 */
final class ForeignApi {
  private final ClassValue<Copy> copies =
      new ClassValue<>() {
        @Override
        protected Copy computeValue(Class<?> facade) {
          try {
            return new Copy(facade);
          } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return null;
          }
        }
      };

  /**
   * The agent's manager as an instance of the {@code CacheManager} that {@code facade} returns.
   *
   * @return the adapter, or {@code null} when that copy of the API cannot be adapted (the facade
   *     then returns its disabled manager)
   */
  Object manager(CacheManager real, Class<?> facade) {
    Copy copy = copies.get(facade);
    return copy == null ? null : copy.manager(real);
  }

  /** One foreign copy of the API: its types, and the adapters made for it. */
  private static final class Copy {
    private final ClassLoader loader;
    private final Class<?> managerType;
    private final Class<?> eventsType;
    private final Class<?> asyncType;
    private final Class<?> listenerType;
    private final Method onEvent;

    /**
     * The copy's event constructor: the canonical one, whose last parameter is the level that
     * served a hit (so that a near hit is counted apart, e.g. by its {@code StatsCollector}); or,
     * for a copy from before levels existed, the one without it.
     */
    private final Constructor<?> event;

    private final Map<String, Object> levels = new ConcurrentHashMap<>();
    private final Map<String, Object> eventTypes = new ConcurrentHashMap<>();
    private final Constructor<?> exception;
    private final Map<String, Object> managers = new ConcurrentHashMap<>();

    Copy(Class<?> facade) throws ReflectiveOperationException {
      managerType = facade.getMethod("manager").getReturnType();
      loader = managerType.getClassLoader();
      eventsType = managerType.getMethod("events").getReturnType();
      asyncType = managerType.getMethod("async").getReturnType();
      Class<?> eventType = type(CacheEventType.class);
      listenerType = type(CacheEventListener.class);
      Class<?> eventClass = type(CacheEvent.class);
      onEvent = listenerType.getMethod("onEvent", eventClass);
      for (Object constant : eventType.getEnumConstants()) {
        eventTypes.put(((Enum<?>) constant).name(), constant);
      }
      event = eventConstructor(eventClass, eventType);
      exception = type(DepCacheException.class).getConstructor(String.class, Throwable.class);
    }

    private Constructor<?> eventConstructor(Class<?> eventClass, Class<?> eventType)
        throws NoSuchMethodException {
      List<Class<?>> parameters =
          new ArrayList<>(
              List.of(
                  eventType,
                  String.class,
                  String.class,
                  String.class,
                  java.util.Set.class,
                  long.class,
                  long.class,
                  long.class));
      try {
        Class<?> levelType = type(CacheLevel.class);
        for (Object constant : levelType.getEnumConstants()) {
          levels.put(((Enum<?>) constant).name(), constant);
        }
        parameters.add(levelType);
        return eventClass.getConstructor(parameters.toArray(new Class<?>[0]));
      } catch (ClassNotFoundException | NoSuchMethodException e) {
        parameters.subList(8, parameters.size()).clear();
        return eventClass.getConstructor(parameters.toArray(new Class<?>[0]));
      }
    }

    /** The copy's event of the agent's. */
    private Object eventOf(CacheEvent e) throws ReflectiveOperationException {
      Object[] fields = {
        eventTypes.get(e.type().name()),
        e.manager(),
        e.key(),
        e.method(),
        e.dependencies(),
        e.ttl(),
        e.count(),
        e.timestamp(),
        e.level() == null ? null : levels.get(e.level().name())
      };
      return event.newInstance(Arrays.copyOf(fields, event.getParameterCount()));
    }

    private Class<?> type(Class<?> ours) throws ClassNotFoundException {
      return Class.forName(ours.getName(), false, loader);
    }

    Object manager(CacheManager real) {
      return managers.computeIfAbsent(
          real.name(),
          name -> {
            Events events = new Events(real.events());
            Object eventsProxy = proxy(eventsType, events);
            Object asyncProxy =
                proxy(asyncType, new Forward(real.async(), AsyncCacheManager.class));
            Forward manager = new Forward(real, CacheManager.class);
            return proxy(
                managerType,
                (self, method, args) ->
                    switch (method.getName()) {
                      case "events" -> eventsProxy;
                      case "async" -> asyncProxy;
                      default -> manager.invoke(self, method, args);
                    });
          });
    }

    private Object proxy(Class<?> type, InvocationHandler handler) {
      return Proxy.newProxyInstance(loader, new Class<?>[] {type}, handler);
    }

    /** Forwards to the agent's object the method of the same name and JDK parameter types. */
    private final class Forward implements InvocationHandler {
      private final Object target;
      private final Class<?> ours;
      private final Map<Method, Method> methods = new ConcurrentHashMap<>();

      Forward(Object target, Class<?> ours) {
        this.target = target;
        this.ours = ours;
      }

      @Override
      public Object invoke(Object self, Method method, Object[] args) throws Throwable {
        switch (method.getName()) {
          case "equals":
            if (method.getParameterCount() == 1) {
              return self == args[0];
            }
            break;
          case "hashCode":
            if (method.getParameterCount() == 0) {
              return System.identityHashCode(self);
            }
            break;
          case "toString":
            if (method.getParameterCount() == 0) {
              return target + " (for the API copy of " + loader + ")";
            }
            break;
          default:
            break;
        }
        Method to =
            methods.computeIfAbsent(
                method,
                m -> {
                  try {
                    return ours.getMethod(m.getName(), m.getParameterTypes());
                  } catch (NoSuchMethodException e) {
                    throw new UnsupportedOperationException(
                        m + " is not offered by this agent's version of the API", e);
                  }
                });
        Object result;
        try {
          result = to.invoke(target, args);
        } catch (InvocationTargetException e) {
          throw translate(e.getCause());
        }
        if (result instanceof CompletableFuture<?> future) {
          return future.handle(
              (value, failure) -> {
                if (failure == null) {
                  return value;
                }
                Throwable cause =
                    failure instanceof CompletionException && failure.getCause() != null
                        ? failure.getCause()
                        : failure;
                throw new CompletionException(translate(cause));
              });
        }
        return result;
      }
    }

    /**
     * The copy's {@code DepCacheException} in place of the agent's, so callers catch it: the same
     * message, cause, stack and suppressed exceptions, as if the copy had thrown it.
     */
    private Throwable translate(Throwable thrown) {
      return thrown instanceof DepCacheException
          ? CallerException.rebuilt(exception, thrown)
          : thrown;
    }

    /** The copy's {@code CacheEvents}: its listeners registered on the agent's, translated. */
    private final class Events implements InvocationHandler {
      private final CacheEvents real;
      private final Map<Object, CacheEventListener> registered =
          Collections.synchronizedMap(new IdentityHashMap<>());

      Events(CacheEvents real) {
        this.real = real;
      }

      @Override
      public Object invoke(Object self, Method method, Object[] args) {
        switch (method.getName()) {
          case "on" -> real.on(type(args[0]), listener(args[1]));
          case "onAll" -> real.onAll(listener(args[0]));
          case "off" -> {
            CacheEventListener ours = registered.get(args[1]);
            if (ours != null) {
              real.off(type(args[0]), ours);
            }
          }
          case "offAll" -> {
            CacheEventListener ours = registered.remove(args[0]);
            if (ours != null) {
              real.offAll(ours);
            }
          }
          case "equals" -> {
            return self == args[0];
          }
          case "hashCode" -> {
            return System.identityHashCode(self);
          }
          case "toString" -> {
            return "events of " + real;
          }
          default -> throw new UnsupportedOperationException(method.toString());
        }
        return null;
      }

      private CacheEventType type(Object foreign) {
        return foreign == null ? null : CacheEventType.valueOf(((Enum<?>) foreign).name());
      }

      private CacheEventListener listener(Object foreign) {
        if (foreign == null) {
          return null;
        }
        return registered.computeIfAbsent(
            foreign,
            f ->
                e -> {
                  try {
                    onEvent.invoke(f, eventOf(e));
                  } catch (InvocationTargetException t) {
                    // the dispatcher logs a listener that throws, as it does for its own
                    throw new IllegalStateException(
                        "listener " + f + " failed: " + t.getCause(), t.getCause());
                  } catch (ReflectiveOperationException t) {
                    throw new IllegalStateException(t);
                  }
                });
      }
    }
  }
}
