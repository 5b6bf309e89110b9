package io.depcache.agent.serial;

/**
 * What one entry holds: a value (possibly {@code null}) or a cached exception, and the dependencies
 * it was computed with (so that a hit hands them to the enclosing cached call).
 *
 * @param kind what the entry holds
 * @param value the value for {@link Kind#VALUE} and {@link Kind#OPTIONAL}, else {@code null}
 * @param exceptionClass the exception's class name for {@link Kind#EXCEPTION}
 * @param exceptionMessage the exception's message for {@link Kind#EXCEPTION}, may be {@code null}
 * @param dependencies every dependency of the entry, with the sequence at which it was read; a
 *     cached call that hits this entry is fenced, for each of them, as if it had read that
 *     dependency then: a stale entry hit while an invalidation is still removing it cannot pass its
 *     staleness on. {@code null} means none
 */
public record StoredEntry(
    Kind kind,
    Object value,
    String exceptionClass,
    String exceptionMessage,
    EntryDependencies dependencies) {

  public StoredEntry {
    if (dependencies == null) {
      dependencies = EntryDependencies.NONE;
    }
  }

  /** What an entry holds. */
  public enum Kind {
    VALUE,
    NULL,
    EXCEPTION,
    /**
     * {@code Optional.of(value)}: cached by content, since {@code Optional} is not serializable.
     */
    OPTIONAL,
    /** {@code Optional.empty()}. */
    OPTIONAL_EMPTY
  }
}
