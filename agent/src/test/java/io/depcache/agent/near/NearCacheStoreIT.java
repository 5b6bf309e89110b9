package io.depcache.agent.near;

import static io.depcache.agent.near.TextEntries.value;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.depcache.agent.config.AgentConfig;
import io.depcache.agent.config.ManagerConfig;
import io.depcache.agent.store.CacheStore;
import io.depcache.agent.store.KeyLayout;
import io.depcache.agent.store.NearChannel;
import io.depcache.agent.store.RedisStore;
import io.depcache.testing.RedisServer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.RedisClient;

/**
 * Two near caches on one Redis, each with its own store and subscription, as two JVMs have: near
 * hits cost no round trip, and an invalidation, delete or clear on one has removed the near entry
 * of the other when it returns. Entries here are text {@code value|dep,dep}, which the test's
 * reader splits.
 */
class NearCacheStoreIT {
  private static RedisServer redis;
  private String prefix;
  private String ns;
  private TextEntries texts;
  private Counting storeA;
  private Counting storeB;
  private NearCacheStore a;
  private NearCacheStore b;

  @BeforeAll
  static void startRedis() {
    redis = RedisServer.start();
  }

  @AfterAll
  static void stopRedis() {
    redis.close();
  }

  @BeforeEach
  void open() throws Exception {
    open(Map.of());
  }

  private void open(Map<String, String> extra) throws Exception {
    close();
    prefix = "n" + UUID.randomUUID().toString().substring(0, 8);
    ns = KeyLayout.namespace(prefix, "default");
    texts = new TextEntries(ns);
    Map<String, String> properties = new HashMap<>(extra);
    properties.put("depcache.redis.url", redis.url());
    properties.put("depcache.prefix", prefix);
    properties.put("depcache.near-cache.enabled", "true");
    ManagerConfig settings = AgentConfig.load(null, properties, Map.of()).defaultManager();
    storeA = new Counting(RedisStore.connect(redis.url(), 2_000, KeyLayout.sequenceKey(prefix)));
    storeB = new Counting(RedisStore.connect(redis.url(), 2_000, KeyLayout.sequenceKey(prefix)));
    a = new NearCacheStore(storeA, settings, TextEntries.READER);
    b = new NearCacheStore(storeB, settings, TextEntries.READER);
    awaitServing(a);
    awaitServing(b);
  }

  @AfterEach
  void close() {
    if (a != null) {
      a.close();
      b.close();
      a = null;
    }
  }

  private static void awaitServing(NearCacheStore store) throws InterruptedException {
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (!store.serving() && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(store.serving()).as("near hits served").isTrue();
  }

  @Test
  void aNearHitCostsNoRedisRoundTrip() {
    texts.write(a, "k", "one", "d");
    assertThat(value(b.lookup(texts.entry("k")))).isEqualTo("one"); // from Redis, kept near
    int lookups = storeB.lookups.get();
    for (int i = 0; i < 1000; i++) {
      assertThat(value(b.lookup(texts.entry("k").getBytes(UTF_8)))).isEqualTo("one");
    }
    assertThat(storeB.lookups.get()).isEqualTo(lookups);
    assertThat(b.nearHits()).isEqualTo(1000);
    // the writer keeps what it wrote near too
    long beforeA = storeA.lookups.get();
    assertThat(value(a.lookup(texts.entry("k")))).isEqualTo("one");
    assertThat(storeA.lookups.get()).isEqualTo(beforeA);
  }

  @Test
  void aUserKeyThatNeedsEscapingIsServedNearByItsStoreKeyAndItsEscapedTextIsAnotherKey() {
    String entryKeys = ns + "e:";
    byte[] entryKeysUtf8 = entryKeys.getBytes(UTF_8);
    String raw = "k\u0000(1)";
    String escaped = KeyLayout.entryKeyAt(entryKeys, raw).substring(entryKeys.length());
    assertThat(escaped).isNotEqualTo(raw);
    texts.write(a, escaped, "escaped", "d");
    assertThat(value(b.lookup(entryKeys, entryKeysUtf8, raw))).isEqualTo("escaped"); // kept near
    long hits = b.nearHits();
    assertThat(value(b.lookup(entryKeys, entryKeysUtf8, raw))).isEqualTo("escaped");
    assertThat(b.nearHits()).isEqualTo(hits + 1);
    // the escaped text, asked as a user's key of its own, is another entry: it was never written
    assertThat(value(b.lookup(entryKeys, entryKeysUtf8, escaped))).isNull();
    assertThat(b.nearHits()).isEqualTo(hits + 1);
  }

  @Test
  void anInvalidationInOneRemovesTheNearEntryOfTheOtherBeforeItReturns() {
    assertStaleAfter(() -> a.invalidate(List.of(texts.dep("d"))), false);
  }

  @Test
  void aDeleteInOneRemovesTheNearEntryOfTheOtherBeforeItReturns() {
    assertStaleAfter(() -> a.delete(List.of(texts.entry("k"))), false);
  }

  @Test
  void aClearInOneRemovesTheNearEntryOfTheOtherBeforeItReturns() {
    assertStaleAfter(() -> a.clear(ns), false);
  }

  @Test
  void withoutTheCoherenceStepTheOtherServesTheRemovedEntry() {
    // the check of the tests above, with the subscriber's drop switched off: it must find it
    b.coherenceForTests(false);
    assertStaleAfter(() -> a.invalidate(List.of(texts.dep("d"))), true);
  }

  @Test
  void aLookupThatReadBeforeAnInvalidationNotWaitedForIsNotKeptNear() {
    // B holds nothing of d: A's invalidation of d waits for no answer from B (B applies it late
    // here, so only the hold filter protects B). A lookup of B that read its entry before that
    // invalidation must not be kept near, even though d entered B's hold filter (by another
    // fill) while the lookup ran.
    texts.write(a, "k", "old", "d");
    b.applyDelayForTests(2_000);
    AtomicLong waitedNanos = new AtomicLong();
    storeB.afterLookup =
        () -> {
          long started = System.nanoTime();
          a.invalidate(List.of(texts.dep("d")));
          waitedNanos.set(System.nanoTime() - started);
          texts.write(a, "other", "fresh", "d");
          assertThat(value(b.lookup(texts.entry("other")))).isEqualTo("fresh");
        };
    assertThat(value(b.lookup(texts.entry("k")))).as("read before it").isEqualTo("old");
    assertThat(waitedNanos.get() / 1_000_000)
        .as("A waited for no answer from B, which held nothing of d")
        .isLessThan(500);
    long hits = b.nearHits();
    assertThat(value(b.lookup(texts.entry("other")))).isEqualTo("fresh");
    assertThat(b.nearHits())
        .as("the fill made after d joined the filter is kept")
        .isEqualTo(hits + 1);
    assertThat(value(b.lookup(texts.entry("k")))).as("the one read before is not").isNull();
    assertThat(b.nearHits()).isEqualTo(hits + 1);
  }

  @Test
  void anInvalidationWhoseMessageCannotBePublishedResetsEveryNearCacheBeforeItReturns()
      throws Exception {
    // C logs in as a user that may not PUBLISH: C's invalidations are applied in Redis, and their
    // messages cannot be published (neither with the store's script nor alone)
    String user = "nopublish" + prefix;
    try (RedisClient admin = RedisClient.create(redis.url())) {
      admin.sendCommand(
          Protocol.Command.ACL, "SETUSER", user, "on", ">pw", "~*", "&*", "+@all", "-publish");
    }
    Map<String, String> properties = new HashMap<>();
    properties.put("depcache.redis.url", redis.url());
    properties.put("depcache.redis.user", user);
    properties.put("depcache.redis.password", "pw");
    properties.put("depcache.prefix", prefix);
    properties.put("depcache.near-cache.enabled", "true");
    ManagerConfig limited = AgentConfig.load(null, properties, Map.of()).defaultManager();
    try (NearCacheStore c =
        new NearCacheStore(
            RedisStore.connect(
                redis.url().replace("redis://", "redis://" + user + ":pw@"),
                2_000,
                KeyLayout.sequenceKey(prefix)),
            limited,
            TextEntries.READER)) {
      texts.write(a, "k", "one", "d");
      assertThat(value(b.lookup(texts.entry("k")))).isEqualTo("one");
      long hits = b.nearHits();
      assertThat(value(b.lookup(texts.entry("k")))).isEqualTo("one");
      assertThat(b.nearHits()).as("B serves k near").isEqualTo(hits + 1);

      long started = System.nanoTime();
      assertThat(c.invalidate(List.of(texts.dep("d")))).isEqualTo(1);
      long waited = (System.nanoTime() - started) / 1_000_000;
      assertThat(waited)
          .as("waited the window for the leases given before the reset")
          .isGreaterThanOrEqualTo(1_000L);
      assertThat(value(b.lookup(texts.entry("k")))).as("B serves nothing it removed").isNull();
      awaitServing(b);
      texts.write(a, "k", "two", "d");
      assertThat(value(b.lookup(texts.entry("k")))).isEqualTo("two");
      hits = b.nearHits();
      assertThat(value(b.lookup(texts.entry("k")))).isEqualTo("two");
      assertThat(b.nearHits()).as("B joined again and serves near").isEqualTo(hits + 1);
    }
  }

  @Test
  void afterTheStoreMadeAFailoversInvalidationsAgainEveryNearCacheIsEmptied() throws Exception {
    texts.write(a, "k", "one", "d");
    assertThat(value(b.lookup(texts.entry("k")))).isEqualTo("one");
    long hits = b.nearHits();
    assertThat(value(b.lookup(texts.entry("k")))).isEqualTo("one");
    assertThat(b.nearHits()).isEqualTo(hits + 1);

    // What a Sentinel failover leaves behind: A's store made an invalidation again on the new
    // primary, under the near caches (B filled its entry from that primary before it did).
    storeA.delegate.delete(List.of(texts.entry("k")));
    storeA.replays.incrementAndGet();

    long deadline = System.nanoTime() + 3_000_000_000L;
    while (value(b.lookup(texts.entry("k"))) != null && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(value(b.lookup(texts.entry("k"))))
        .as("B serves the entry the replay removed")
        .isNull();
  }

  private void assertStaleAfter(Runnable removal, boolean stale) {
    // B applies messages late: the removal returns only once B has applied it
    b.applyDelayForTests(200);
    texts.write(a, "k", "one", "d", "other");
    texts.write(a, "k2", "two", "other");
    assertThat(value(b.lookup(texts.entry("k")))).isEqualTo("one");
    assertThat(value(b.lookup(texts.entry("k2")))).isEqualTo("two");
    long hits = b.nearHits();
    assertThat(value(b.lookup(texts.entry("k")))).isEqualTo("one");
    assertThat(b.nearHits()).isEqualTo(hits + 1);

    removal.run();

    assertThat(value(b.lookup(texts.entry("k")))).isEqualTo(stale ? "one" : null);
    assertThat(value(a.lookup(texts.entry("k")))).isNull();
  }

  @Test
  void aJvmThatDoesNotAnswerWithinTheWindowHasStoppedServingWhenTheInvalidationReturns() {
    texts.write(a, "k", "one", "d");
    assertThat(value(b.lookup(texts.entry("k")))).isEqualTo("one");
    long hits = b.nearHits();
    assertThat(value(b.lookup(texts.entry("k")))).isEqualTo("one");
    assertThat(b.nearHits()).isEqualTo(hits + 1);
    // B's subscriber is stuck on the message (a paused JVM): its heartbeats queue behind it
    b.applyDelayForTests(3 * Coherence.WINDOW_MILLIS);
    b.coherenceForTests(false);

    long started = System.nanoTime();
    a.invalidate(List.of(texts.dep("d")));
    long waitedMillis = (System.nanoTime() - started) / 1_000_000;

    assertThat(waitedMillis).as("waited for B up to the window").isBetween(900L, 2_000L);
    assertThat(b.serving()).as("B's lease ran out").isFalse();
    assertThat(value(b.lookup(texts.entry("k")))).isNull();
  }

  @Test
  void anInvalidationLeavesEntriesOfOtherDependenciesNear() {
    texts.write(a, "k", "one", "d");
    texts.write(a, "k2", "two", "other");
    b.lookup(texts.entry("k"));
    b.lookup(texts.entry("k2"));
    a.invalidate(List.of(texts.dep("d")));
    long hits = b.nearHits();
    assertThat(value(b.lookup(texts.entry("k2")))).isEqualTo("two");
    assertThat(b.nearHits()).isEqualTo(hits + 1);
  }

  @Test
  void killingTheSubscriptionsStopsNearHitsAndTheyResumeEmpty() throws Exception {
    texts.write(a, "k", "one", "d");
    b.lookup(texts.entry("k"));
    assertThat(b.size()).isEqualTo(1);
    long subscriptions = b.subscriptionsMadeForTests();
    try (RedisClient admin = RedisClient.create(redis.url())) {
      admin.sendCommand(Protocol.Command.CLIENT, "KILL", "TYPE", "pubsub");
      long killed = System.nanoTime();
      boolean stopped;
      // Seen not serving, or already subscribed again: it subscribes again at once, and the
      // moment between the two (when a loss stops near hits) can pass while this thread does not
      // run on a busy machine.
      while (!(stopped = !b.serving() || b.subscriptionsMadeForTests() > subscriptions)
          && System.nanoTime() - killed < 1_000_000_000L) {
        Thread.onSpinWait();
      }
      long stoppedMicros = (System.nanoTime() - killed) / 1000;
      assertThat(stopped).as("near hits stopped").isTrue();
      assertThat(stoppedMicros).as("microseconds until near hits stopped").isLessThan(200_000);
      while (b.size() > 0 && System.nanoTime() - killed < 1_000_000_000L) {
        Thread.onSpinWait();
      }
      assertThat(b.size()).as("near cache emptied when the subscription broke").isZero();
      // while B is cut off (or subscribing again), A invalidates and the entry is recomputed
      a.invalidate(List.of(texts.dep("d")));
      admin.set(texts.entry("k"), "fresh|" + texts.dep("d"));
    }
    assertThat(value(b.lookup(texts.entry("k")))).isEqualTo("fresh");
    awaitServing(b);
    assertThat(value(b.lookup(texts.entry("k")))).isEqualTo("fresh");
    long hits = b.nearHits();
    assertThat(value(b.lookup(texts.entry("k")))).isEqualTo("fresh");
    assertThat(b.nearHits()).as("near hits resumed").isEqualTo(hits + 1);
  }

  @Test
  void maxEntriesHoldsUnderDistinctKeysAndTheIndexFollows() throws Exception {
    open(Map.of("depcache.near-cache.max-entries", "100"));
    for (int i = 0; i < 5_000; i++) {
      texts.write(a, "k" + i, "v" + i, "d" + i, "shared");
    }
    assertThat(a.size()).isLessThanOrEqualTo(100);
    // one dependency of its own per entry, and the shared one
    assertThat(a.indexedDependencies()).isLessThanOrEqualTo(101);
    assertThat(a.size()).isGreaterThan(0);
  }

  /** Counts the lookups that reach Redis. */
  private static final class Counting implements CacheStore {
    final CacheStore delegate;
    final AtomicInteger lookups = new AtomicInteger();

    /** What a store that follows Sentinel's failovers counts: raised by hand here. */
    final AtomicLong replays = new AtomicLong();

    /** Run once, right after the next lookup has read its entry and before it returns. */
    volatile Runnable afterLookup;

    Counting(CacheStore delegate) {
      this.delegate = delegate;
    }

    @Override
    public Lookup lookup(String entryKey) {
      lookups.incrementAndGet();
      Lookup found = delegate.lookup(entryKey);
      Runnable then = afterLookup;
      if (then != null) {
        afterLookup = null;
        then.run();
      }
      return found;
    }

    @Override
    public Lookup lookup(byte[] entryKey) {
      lookups.incrementAndGet();
      return delegate.lookup(entryKey);
    }

    @Override
    public boolean putIfUnchangedSince(
        String k, byte[] v, long t, List<String> d, long s, long[] ds) {
      return delegate.putIfUnchangedSince(k, v, t, d, s, ds);
    }

    @Override
    public byte[] get(String entryKey) {
      return delegate.get(entryKey);
    }

    @Override
    public boolean tryLease(String entryKey, String token, long millis) {
      return delegate.tryLease(entryKey, token, millis);
    }

    @Override
    public void releaseLease(String entryKey, String token) {
      delegate.releaseLease(entryKey, token);
    }

    @Override
    public boolean exists(String entryKey) {
      return delegate.exists(entryKey);
    }

    @Override
    public void put(String k, byte[] v, long t, java.util.Collection<String> d) {
      delegate.put(k, v, t, d);
    }

    @Override
    public long delete(java.util.Collection<String> entryKeys) {
      return delegate.delete(entryKeys);
    }

    @Override
    public long invalidate(java.util.Collection<String> dependencyKeys) {
      return delegate.invalidate(dependencyKeys);
    }

    @Override
    public long clear(String namespace) {
      return delegate.clear(namespace);
    }

    @Override
    public long ttlMillis(String entryKey) {
      return delegate.ttlMillis(entryKey);
    }

    @Override
    public String describe() {
      return delegate.describe();
    }

    @Override
    public long failoverReplays() {
      return replays.get();
    }

    @Override
    public NearChannel openNearChannel(ManagerConfig settings) {
      return delegate.openNearChannel(settings);
    }

    @Override
    public void close() {
      delegate.close();
    }
  }
}
