package io.depcache;

import java.util.concurrent.Callable;
import java.util.function.Supplier;

/**
 * The two kinds of {@link CallContext}: none (outside a cached call, or without the agent), and a
 * cached call's, which reaches the agent through {@link DepCache}'s rewritten hooks.
 */
final class Contexts {
  private Contexts() {}

  /** Outside a cached call: every operation does nothing. */
  static final CallContext NONE =
      new CallContext() {
        @Override
        public boolean isActive() {
          return false;
        }

        @Override
        public void addDependency(String dependency) {}

        @Override
        public void setTtl(long seconds) {}

        @Override
        public String cacheKey() {
          return null;
        }

        @Override
        public Runnable wrap(Runnable task) {
          return task;
        }

        @Override
        public <T> Callable<T> wrap(Callable<T> task) {
          return task;
        }

        @Override
        public <T> Supplier<T> wrapSupplier(Supplier<T> task) {
          return task;
        }

        @Override
        public String toString() {
          return "CallContext(none)";
        }
      };

  /** A cached call's context; {@code handle} is the agent's. */
  static final class Active implements CallContext {
    private final Object handle;

    Active(Object handle) {
      this.handle = handle;
    }

    @Override
    public boolean isActive() {
      return DepCache.contextActive(handle);
    }

    @Override
    public void addDependency(String dependency) {
      DepCache.contextAddDependency(handle, dependency);
    }

    @Override
    public void setTtl(long seconds) {
      DepCache.contextSetTtl(handle, seconds);
    }

    @Override
    public String cacheKey() {
      return DepCache.contextKey(handle);
    }

    @Override
    public Runnable wrap(Runnable task) {
      if (task == null) {
        throw new NullPointerException("task");
      }
      return () -> {
        Object token = DepCache.contextEnter(handle);
        try {
          task.run();
        } finally {
          DepCache.contextExit(token);
        }
      };
    }

    @Override
    public <T> Callable<T> wrap(Callable<T> task) {
      if (task == null) {
        throw new NullPointerException("task");
      }
      return () -> {
        Object token = DepCache.contextEnter(handle);
        try {
          return task.call();
        } finally {
          DepCache.contextExit(token);
        }
      };
    }

    @Override
    public <T> Supplier<T> wrapSupplier(Supplier<T> task) {
      if (task == null) {
        throw new NullPointerException("task");
      }
      return () -> {
        Object token = DepCache.contextEnter(handle);
        try {
          return task.get();
        } finally {
          DepCache.contextExit(token);
        }
      };
    }

    @Override
    public String toString() {
      return "CallContext(" + cacheKey() + ")";
    }
  }
}
