package io.depcache.agent.runtime;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.example.fixtures.Calls;
import com.example.fixtures.Catalog;
import io.depcache.CacheEvent;
import io.depcache.CacheEventListener;
import io.depcache.CacheEventType;
import io.depcache.CacheManager;
import io.depcache.DepCache;
import io.depcache.agent.AgentMain;
import io.depcache.agent.store.KeyLayout;
import io.depcache.testing.TestRedis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.RedisClient;

/**
 * An entry that cannot be read is a miss (DESIGN.md, "Safe values"): the body runs, an ERROR event
 * fires, and a good entry replaces the bad one. Bad entries are written under the exact store key
 * of a cached call, as raw bytes with a plain client or as a wrong-typed value through the manager.
 * With each serializer.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ParameterizedClass
@ValueSource(strings = {"java", "kryo"})
class CorruptEntryTest {
  @Parameter String serializer;

  private final String prefix = AgentTestSupport.uniquePrefix();
  private final List<CacheEvent> errors = new CopyOnWriteArrayList<>();
  private final CacheEventListener onError = errors::add;
  private final Catalog catalog = new Catalog();
  private AgentMain.Installation installation;
  private RedisClient redis;
  private CacheManager manager;

  @BeforeEach
  void setUp() {
    if (installation == null) {
      installation =
          AgentTestSupport.install(
              Map.of(
                  "depcache.redis.url",
                  TestRedis.url(),
                  "depcache.prefix",
                  prefix,
                  "depcache.serializer",
                  serializer,
                  // the kryo entry that is slow to read is 152 KB: on a loaded machine its GET
                  // may take longer than the default 200 ms, which would skip the replacement
                  "depcache.redis.timeout-ms",
                  "2000"));
      redis = RedisClient.create(TestRedis.url());
    }
    manager = DepCache.manager();
    manager.clear();
    manager.events().on(CacheEventType.ERROR, onError);
    Calls.reset();
  }

  @AfterEach
  void removeListener() {
    manager.events().off(CacheEventType.ERROR, onError);
    errors.clear();
  }

  @AfterParameterizedClassInvocation
  void tearDown() {
    // one instance serves both serializers, one after the other
    if (installation != null) {
      installation.uninstall();
      redis.close();
      installation = null;
    }
  }

  @Test
  void foreignBytesAreAMissAndAreReplaced() {
    String key = primeItem(1);
    redis.set(storeKey(key), "{\"not\":\"a depcache entry\"}".getBytes(UTF_8));

    assertMissThenHit(() -> catalog.item(1), "item1", "item", key);
    assertThat(manager.<String>get(key)).isEqualTo("item1");
  }

  @Test
  void aTruncatedEntryIsAMissAndIsReplaced() {
    String key = primeItem(2);
    byte[] good = redis.get(storeKey(key));
    assertThat(good).isNotNull();
    redis.set(storeKey(key), Arrays.copyOf(good, good.length / 2));

    assertMissThenHit(() -> catalog.item(2), "item2", "item", key);
    // A good entry again: the same value and dependencies (only the sequence it was computed at,
    // a fixed-size field, differs from the first one's).
    assertThat(redis.get(storeKey(key))).hasSameSizeAs(good);
    assertThat(manager.<Object>get(key)).isEqualTo("item2");
  }

  @Test
  void anEmptyEntryIsAMissAndIsReplaced() {
    String key = primeItem(3);
    redis.set(storeKey(key), new byte[0]);

    assertMissThenHit(() -> catalog.item(3), "item3", "item", key);
  }

  @Test
  void anEntryOfTheWrongTypeIsAMissAndIsReplaced() {
    String key = primeItem(4);
    manager.set(key, 42);

    assertMissThenHit(() -> catalog.item(4), "item4", "item", key);
    assertThat(manager.<Object>get(key)).isEqualTo("item4");
  }

  @Test
  void aNullEntryForAPrimitiveResultIsAMissAndIsReplaced() {
    assertThat(catalog.length("abc")).isEqualTo(3);
    String key = Catalog.lastKey;
    manager.set(key, null);

    assertMissThenHit(() -> catalog.length("abc"), 3, "length", key);
    assertThat(manager.<Object>get(key)).isEqualTo(3);
  }

  @Test
  void aListOfOtherElementsThanTheReturnTypeSaysIsAMissAndIsReplaced() {
    assertThat(catalog.ids(3)).containsExactly(1L, 2L, 3L);
    String key = Catalog.lastKey;
    // What an entry of `List<Integer> ids(int)` looks like to `List<Long> ids(int)`.
    manager.set(key, new ArrayList<>(List.of(1, 2, 3)));

    assertMissThenHit(() -> readAll(catalog.ids(3)), List.of(1L, 2L, 3L), "ids", key);
    assertThat(manager.<List<Long>>get(key)).containsExactly(1L, 2L, 3L);
  }

  @Test
  void aMapWithValuesOfOtherElementsIsAMissAndIsReplaced() {
    assertThat(catalog.groups("g")).containsEntry("g", List.of(1L, 2L));
    String key = Catalog.lastKey;
    manager.set(key, new TreeMap<>(Map.of("g", new ArrayList<>(List.of(1, 2)))));

    assertMissThenHit(
        () -> {
          Map<String, List<Long>> groups = catalog.groups("g");
          readAll(groups.get("g"));
          return groups;
        },
        Map.of("g", List.of(1L, 2L)),
        "groups",
        key);
  }

  @Test
  void anOptionalOfAnotherContentIsAMissAndIsReplaced() {
    assertThat(catalog.best("abcd")).contains(4L);
    String key = Catalog.lastKey;
    manager.set(key, Optional.of(4));

    assertMissThenHit(
        () -> {
          Optional<Long> best = catalog.best("abcd");
          long value = best.orElseThrow();
          return Optional.of(value);
        },
        Optional.of(4L),
        "best",
        key);
  }

  /** Reads every element as a {@code long}, as callers do: a wrong element fails right here. */
  private static List<Long> readAll(List<Long> ids) {
    long sum = 0;
    for (long id : ids) {
      sum += id;
    }
    assertThat(sum).isNotNegative();
    return ids;
  }

  @Test
  void anEntryThatWouldTakeExponentialTimeToReadIsAMissAndIsReplaced() {
    String key = primeItem(5);
    manager.set(key, serializer.equals("java") ? nestedSetBomb() : collidingLists());

    assertTimeoutPreemptively(
        Duration.ofSeconds(2),
        () -> assertMissThenHit(() -> catalog.item(5), "item5", "item", key));
    assertThat(manager.<Object>get(key)).isEqualTo("item5");
  }

  /**
   * 2 KB of sets nested 40 deep, each holding the same two sets of the next level: reading it
   * unbounded hashes 2^40 sets. Kryo cannot write it (it shares no references: the 2^40 sets would
   * be written out), so no kryo entry holds it.
   */
  private static Set<Object> nestedSetBomb() {
    Set<Object> bomb = new HashSet<>();
    Set<Object> s1 = bomb;
    Set<Object> s2 = new HashSet<>();
    for (int i = 0; i < 40; i++) {
      Set<Object> t1 = new HashSet<>(Set.of("foo"));
      Set<Object> t2 = new HashSet<>();
      s1.add(t1);
      s1.add(t2);
      s2.add(t1);
      s2.add(t2);
      s1 = t1;
      s2 = t2;
    }
    return bomb;
  }

  /**
   * What kryo can write that is slow to read: 16,000 distinct lists with one hash code, each
   * inserted after comparing it with all before it (152 KB, 4 to 6 s to read unbounded here). Built
   * as ReadingTimeTest builds it, without those comparisons.
   */
  private static Set<Object> collidingLists() {
    Set<Object> set = new HashSet<>();
    List<List<Integer>> lists = new ArrayList<>();
    for (int i = 0; i < 16_000; i++) {
      List<Integer> list = new ArrayList<>(List.of(i, 0));
      set.add(list);
      lists.add(list);
    }
    for (int i = 0; i < lists.size(); i++) {
      lists.get(i).set(1, 1_000_000 - 31 * i);
    }
    return set;
  }

  /** Caches {@code item(id)} and returns its key, as the method itself saw it. */
  private String primeItem(long id) {
    assertThat(catalog.item(id)).isEqualTo("item" + id);
    assertThat(catalog.item(id)).isEqualTo("item" + id);
    assertThat(Calls.count("item")).isEqualTo(1);
    assertThat(Catalog.lastKey).isNotNull();
    return Catalog.lastKey;
  }

  private byte[] storeKey(String key) {
    return KeyLayout.entryKey(KeyLayout.namespace(prefix, "default"), key).getBytes(UTF_8);
  }

  private void assertMissThenHit(Supplier<Object> call, Object expected, String body, String key) {
    int ran = Calls.count(body);
    errors.clear();

    assertThat(call.get()).isEqualTo(expected);
    assertThat(Calls.count(body)).as("the body ran on the unreadable entry").isEqualTo(ran + 1);
    assertThat(errors)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.key()).isEqualTo(key);
              assertThat(e.method()).isEqualTo("com.example.fixtures.Catalog#" + body);
            });

    assertThat(call.get()).isEqualTo(expected);
    assertThat(Calls.count(body)).as("the next call is a hit").isEqualTo(ran + 1);
    assertThat(errors).hasSize(1);
  }
}
