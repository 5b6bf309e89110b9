package io.depcache.agent.store;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The invalidation sequence of a {@link MemoryStore} and the fences that invalidations and deletes
 * leave on keys, kept for {@link CacheStore#FENCE_RETENTION_MILLIS} as {@link RedisStore} keeps
 * them. Raising is done under the store's write lock; reading the sequence takes none.
 */
final class MemoryFences {
  /** Fence key to {sequence, expiresAt}. */
  private final Map<String, long[]> fences = new ConcurrentHashMap<>();

  private volatile long sequence;

  /** The sequence now: every fence raised so far carries a sequence at most this. */
  long sequence() {
    return sequence;
  }

  /** Under the write lock: one new sequence, marked on each key's fence. */
  void raise(Collection<String> keys, long now) {
    long next = sequence + 1;
    long[] fence = {next, now + CacheStore.FENCE_RETENTION_MILLIS};
    for (String key : keys) {
      fences.put(KeyLayout.fenceKey(key), fence);
    }
    sequence = next;
  }

  /** Whether {@code key} was fenced after sequence {@code since} by a fence still kept. */
  boolean fencedAfter(String key, long since, long now) {
    long[] fence = fences.get(KeyLayout.fenceKey(key));
    return fence != null && fence[1] > now && fence[0] > since;
  }

  /** Drops the fences of a namespace ({@code clear}); the sequence stays. */
  void clear(String namespace) {
    fences.keySet().removeIf(key -> key.startsWith(namespace));
  }

  void sweep(long now) {
    fences.values().removeIf(fence -> fence[1] <= now);
  }

  void clear() {
    fences.clear();
  }
}
