package io.depcache.agent.runtime;

import io.depcache.DepCacheException;
import java.lang.reflect.Constructor;

/**
 * The {@code DepCacheException} a cached method throws under {@code on-error=fail}, as the class
 * its caller sees: a web application with its own copy of the API in a child-first loader catches
 * its copy's {@code DepCacheException}, not the agent's, which has the same name. The same message,
 * cause, stack and suppressed exceptions.
 */
final class CallerException {
  /** Per class of a cached method: its loader's {@code DepCacheException}, when not the agent's. */
  private static final ClassValue<Constructor<?>> THEIRS =
      new ClassValue<>() {
        @Override
        protected Constructor<?> computeValue(Class<?> owner) {
          try {
            Class<?> theirs =
                Class.forName(DepCacheException.class.getName(), false, owner.getClassLoader());
            if (theirs == DepCacheException.class
                || !RuntimeException.class.isAssignableFrom(theirs)) {
              return null;
            }
            return theirs.getConstructor(String.class, Throwable.class);
          } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            return null; // the loader sees no API, or an unusable one: the agent's class it is
          }
        }
      };

  private CallerException() {}

  /**
   * @param failure the agent's exception
   * @param owner the class of the cached method, or {@code null}
   * @return {@code failure} as the owner's loader's {@code DepCacheException}, or {@code failure}
   *     itself when that loader sees the agent's
   */
  static RuntimeException of(RuntimeException failure, Class<?> owner) {
    if (owner == null || !(failure instanceof DepCacheException)) {
      return failure;
    }
    Constructor<?> theirs = THEIRS.get(owner);
    return theirs == null ? failure : (RuntimeException) rebuilt(theirs, failure);
  }

  /**
   * {@code failure} rebuilt by {@code theirs}, a {@code (String, Throwable)} constructor of another
   * copy's exception class: the same message, cause, stack and suppressed exceptions; {@code
   * failure} itself when that constructor fails.
   */
  static Throwable rebuilt(Constructor<?> theirs, Throwable failure) {
    try {
      Throwable translated =
          (Throwable) theirs.newInstance(failure.getMessage(), failure.getCause());
      translated.setStackTrace(failure.getStackTrace());
      for (Throwable suppressed : failure.getSuppressed()) {
        translated.addSuppressed(suppressed);
      }
      return translated;
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      return failure;
    }
  }
}
