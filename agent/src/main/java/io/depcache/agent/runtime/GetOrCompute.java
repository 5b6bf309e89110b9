package io.depcache.agent.runtime;

import io.depcache.CacheManager;
import io.depcache.DepCacheException;
import java.util.concurrent.Callable;

/**
 * {@link CacheManager#getOrCompute}: a cached call whose key and loader the caller gives. It takes
 * part in the frames like a cached method (its loader's dependencies are collected, and it hands
 * them to an enclosing cached call), without single flight or lease.
 */
final class GetOrCompute {
  private final Frames frames;
  private final EntryIo entries;
  private final CachedCalls calls;
  private final OnceLog once = new OnceLog();

  GetOrCompute(Frames frames, EntryIo entries, CachedCalls calls) {
    this.frames = frames;
    this.entries = entries;
    this.calls = calls;
  }

  /** The cached value of {@code key}, or the loader's, stored unless a fence refuses it. */
  <T> T compute(ManagerCore manager, String key, long ttlSeconds, Callable<T> loader) {
    ClassLoader context = Thread.currentThread().getContextClassLoader();
    ClassLoader classLoader = context != null ? context : ClassLoader.getSystemClassLoader();
    Frame parent = frames.current();
    // a near hit first: counted once, where the store's lookup would count it twice
    Lookup found = entries.nearLookup(manager, key, null, null, classLoader, parent);
    if (found == null) {
      found = entries.lookup(manager, key, null, null, classLoader, parent);
    }
    if (found instanceof Hit hit) {
      @SuppressWarnings("unchecked")
      T value = (T) hit.value();
      return value;
    }
    Frame frame = new Frame(manager, null, key, null, classLoader, Lookup.fence(found));
    if (ttlSeconds >= 0) {
      frame.ttlOverride = ttlSeconds;
    }
    frames.push(frame);
    T value = null;
    Throwable thrown = null;
    try {
      value = loader.call();
    } catch (RuntimeException | Error e) {
      thrown = e;
    } catch (Exception e) {
      thrown = new DepCacheException("the loader of key '" + key + "' failed", e);
    }
    try {
      calls.finish(frame, value, thrown);
    } catch (RuntimeException e) {
      // a bug of ours: the loader's outcome still stands, uncached
      once.error(
          "internal",
          "depcache getOrCompute({}) failed to end; the value is not cached",
          LogText.key(key),
          e);
    }
    if (thrown == null) {
      thrown = frame.failure;
    }
    if (thrown instanceof RuntimeException e) {
      throw e;
    }
    if (thrown instanceof Error e) {
      throw e;
    }
    return value;
  }
}
