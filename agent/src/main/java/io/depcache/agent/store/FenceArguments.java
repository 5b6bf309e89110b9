package io.depcache.agent.store;

import java.util.List;

/** The checks every {@link CacheStore#putIfUnchangedSince} makes of its arguments. */
final class FenceArguments {
  private FenceArguments() {}

  static void check(long sequence, List<String> dependencyKeys, long[] dependencySequences) {
    if (sequence < 0) {
      throw new IllegalArgumentException("sequence must be >= 0, got " + sequence);
    }
    if (dependencySequences.length != dependencyKeys.size()) {
      throw new IllegalArgumentException(
          dependencySequences.length + " sequences for " + dependencyKeys.size() + " dependencies");
    }
  }
}
