package io.depcache.agent.near;

import java.util.List;

/**
 * Reads which dependency sets a stored entry is registered in, so that a near fill from a lookup
 * hit can be indexed; the entry format belongs to the runtime, which provides this.
 */
@FunctionalInterface
public interface DependencyReader {
  /**
   * The dependency store keys of an entry.
   *
   * @param entryKey the entry's store key
   * @param stored the bytes the store returned for it
   * @return the store keys of its dependency sets, or {@code null} when the entry cannot be read
   *     (then it is not kept near)
   */
  List<String> dependencyKeys(String entryKey, byte[] stored);
}
