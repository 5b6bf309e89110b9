package io.depcache.agent.store;

import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Invalidations, deletes and clears that failed and must still happen, so that an outage never
 * leaves stale entries behind.
 *
 * <p>Bounded: beyond {@code maxKeys} keys, the whole {@code overflowNamespace} is cleared instead
 * (every entry of it goes, which is always safe), or, without one, the oldest keys are dropped with
 * one warning. A key recorded again while a retry of it runs stays recorded, since that retry may
 * have started before the entries the new failure was meant to remove were written.
 */
final class PendingWork {
  private static final Logger LOG = LoggerFactory.getLogger("depcache");
  private static final int BATCH = 1000;

  private final int maxKeys;
  private final String overflowNamespace;
  private final Map<String, Long> invalidations = new LinkedHashMap<>();
  private final Map<String, Long> deletes = new LinkedHashMap<>();
  private final Set<String> clears = new LinkedHashSet<>();
  private long sequence;
  private boolean overflowReported;

  PendingWork(int maxKeys, String overflowNamespace) {
    this.maxKeys = maxKeys;
    this.overflowNamespace = overflowNamespace;
  }

  synchronized void addInvalidations(Collection<String> dependencyKeys) {
    for (String key : dependencyKeys) {
      invalidations.remove(key);
      invalidations.put(key, ++sequence);
    }
    bound();
    notifyAll();
  }

  synchronized void addDeletes(Collection<String> entryKeys) {
    for (String key : entryKeys) {
      deletes.remove(key);
      deletes.put(key, ++sequence);
    }
    bound();
    notifyAll();
  }

  synchronized void addClear(String namespace) {
    clears.add(namespace);
    notifyAll();
  }

  synchronized boolean hasWork() {
    return !invalidations.isEmpty() || !deletes.isEmpty() || !clears.isEmpty();
  }

  synchronized int size() {
    return invalidations.size() + deletes.size() + clears.size();
  }

  /** Blocks until there is work or the thread is interrupted. */
  synchronized void awaitWork() throws InterruptedException {
    while (!hasWork()) {
      wait();
    }
  }

  /**
   * Applies everything pending to the store, in batches.
   *
   * @throws StoreException when the store fails; what was applied before stays done
   */
  void applyTo(CacheStore store) {
    for (String namespace; (namespace = nextClear()) != null; ) {
      store.clear(namespace);
      synchronized (this) {
        clears.remove(namespace);
      }
    }
    for (Map<String, Long> batch; !(batch = nextBatch(deletes)).isEmpty(); ) {
      store.delete(batch.keySet());
      done(deletes, batch);
    }
    for (Map<String, Long> batch; !(batch = nextBatch(invalidations)).isEmpty(); ) {
      store.invalidate(batch.keySet());
      done(invalidations, batch);
    }
  }

  private synchronized String nextClear() {
    return clears.isEmpty() ? null : clears.iterator().next();
  }

  private synchronized Map<String, Long> nextBatch(Map<String, Long> pending) {
    Map<String, Long> batch = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, Long>> it = pending.entrySet().iterator();
        it.hasNext() && batch.size() < BATCH; ) {
      Map.Entry<String, Long> e = it.next();
      batch.put(e.getKey(), e.getValue());
    }
    return batch;
  }

  private synchronized void done(Map<String, Long> pending, Map<String, Long> batch) {
    batch.forEach(pending::remove);
  }

  private void bound() {
    int excess = invalidations.size() + deletes.size() - maxKeys;
    if (excess <= 0) {
      return;
    }
    if (overflowNamespace != null) {
      clears.add(overflowNamespace);
      invalidations.clear();
      deletes.clear();
      if (!overflowReported) {
        overflowReported = true;
        LOG.warn(
            "depcache: more than {} invalidations wait for the store; clearing {} instead",
            maxKeys,
            overflowNamespace);
      }
      return;
    }
    for (Map<String, Long> pending : List.of(deletes, invalidations)) {
      for (Iterator<String> it = pending.keySet().iterator();
          it.hasNext() && excess > 0;
          excess--) {
        it.next();
        it.remove();
      }
    }
    if (!overflowReported) {
      overflowReported = true;
      LOG.warn(
          "depcache: more than {} invalidations wait for the store; the oldest were dropped and"
              + " their entries may stay until their ttl (clear the cache to be safe)",
          maxKeys);
    }
  }
}
