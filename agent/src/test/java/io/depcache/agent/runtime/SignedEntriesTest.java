package io.depcache.agent.runtime;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.example.fixtures.Calls;
import com.example.fixtures.Catalog;
import io.depcache.CacheEvent;
import io.depcache.CacheEventType;
import io.depcache.CacheManager;
import io.depcache.DepCache;
import io.depcache.agent.AgentMain;
import io.depcache.agent.store.KeyLayout;
import io.depcache.testing.TestRedis;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/**
 * {@code depcache.signing-key} through the agent against a real Redis: signed entries are hits; a
 * tampered byte, another key, an entry moved under another key and an unsigned entry (from an agent
 * without a key) are misses, each one ERROR event, and replaced; the previous key still reads, for
 * a rotation without a cold cache.
 */
class SignedEntriesTest {
  private static final String KEY = "a-signing-key-of-at-least-32-bytes!";
  private static final String NEW_KEY =
      "base64:"
          + Base64.getEncoder()
              .encodeToString("another key, of 32 bytes or longer".getBytes(UTF_8));

  private final String prefix = AgentTestSupport.uniquePrefix();
  private final List<CacheEvent> errors = new CopyOnWriteArrayList<>();
  private final Catalog catalog = new Catalog();
  private AgentMain.Installation installation;
  private RedisClient redis;
  private CacheManager manager;

  @BeforeEach
  void setUp() {
    redis = RedisClient.create(TestRedis.url());
  }

  @AfterEach
  void tearDown() {
    uninstall();
    redis.close();
  }

  /** Installs the agent with these signing keys ({@code null}: none). */
  private void install(String signingKey, String previousKey) {
    uninstall();
    Map<String, String> settings = new HashMap<>();
    settings.put("depcache.redis.url", TestRedis.url());
    settings.put("depcache.prefix", prefix);
    settings.put("depcache.redis.timeout-ms", "2000");
    if (signingKey != null) {
      settings.put("depcache.signing-key", signingKey);
    }
    if (previousKey != null) {
      settings.put("depcache.signing-key.previous", previousKey);
    }
    installation = AgentTestSupport.install(settings);
    manager = DepCache.manager();
    manager.events().on(CacheEventType.ERROR, errors::add);
    errors.clear();
    Calls.reset();
  }

  private void uninstall() {
    if (installation != null) {
      installation.uninstall();
      installation = null;
    }
  }

  private byte[] storeKey(String key) {
    return KeyLayout.entryKey(KeyLayout.namespace(prefix, "default"), key).getBytes(UTF_8);
  }

  /** Computes item(id) once and returns its key; the second call is a hit. */
  private String primeItem(long id) {
    int ran = Calls.count("item");
    assertThat(catalog.item(id)).isEqualTo("item" + id);
    assertThat(catalog.item(id)).isEqualTo("item" + id);
    assertThat(Calls.count("item")).isEqualTo(ran + 1);
    return Catalog.lastKey;
  }

  /** The next call runs the body once, with one ERROR event; the one after is a hit again. */
  private void assertRefusedOnceThenReplaced(long id, String key) {
    int ran = Calls.count("item");
    errors.clear();

    assertThat(catalog.item(id)).isEqualTo("item" + id);
    assertThat(Calls.count("item")).as("the body ran").isEqualTo(ran + 1);
    assertThat(errors).singleElement().extracting(CacheEvent::key).isEqualTo(key);

    assertThat(catalog.item(id)).isEqualTo("item" + id);
    assertThat(Calls.count("item")).as("the replacement is a hit").isEqualTo(ran + 1);
    assertThat(errors).hasSize(1);
  }

  @Test
  void signedEntriesAreHitsAndCarryTheirSignature() {
    install(KEY, null);
    String key = primeItem(1);

    byte[] stored = redis.get(storeKey(key));
    assertThat(stored[0]).isEqualTo((byte) 0xD5);
    assertThat(manager.<String>get(key)).isEqualTo("item1");
    assertThat(errors).isEmpty();
  }

  @Test
  void aTamperedByteIsAMissReportedOnceAndReplaced() {
    install(KEY, null);
    String key = primeItem(2);
    byte[] stored = redis.get(storeKey(key));
    stored[stored.length - 1] ^= 0x01; // inside the serialized value
    redis.set(storeKey(key), stored);

    assertRefusedOnceThenReplaced(2, key);
    assertThat(redis.get(storeKey(key))).isNotEqualTo(stored);
  }

  @Test
  void anEntryOfAnotherKeyIsAMiss() {
    install(NEW_KEY, null);
    String key = primeItem(3);
    byte[] foreign = redis.get(storeKey(key));

    install(KEY, null);
    redis.set(storeKey(key), foreign);

    assertRefusedOnceThenReplaced(3, key);
  }

  @Test
  void aSignedEntryMovedUnderAnotherKeyIsAMiss() {
    install(KEY, null);
    String four = primeItem(4);
    String five = primeItem(5);
    redis.set(storeKey(five), redis.get(storeKey(four)));

    assertRefusedOnceThenReplaced(5, five);
  }

  @Test
  void theManualGetRefusesAnUnsignedEntryToo() {
    install(null, null);
    manager.set("plain", "unsigned value");

    install(KEY, null);
    assertThat(manager.<String>get("plain")).isNull();
    assertThat(errors).singleElement().extracting(CacheEvent::key).isEqualTo("plain");
    assertThat(redis.exists(storeKey("plain"))).as("deleted").isFalse();
  }

  @Test
  void anUnsignedEntryFromAnAgentWithoutAKeyIsAMiss() {
    install(null, null);
    String key = primeItem(6);
    byte[] unsigned = redis.get(storeKey(key));
    assertThat(unsigned[0]).isEqualTo((byte) 0xDC);

    install(KEY, null);
    assertRefusedOnceThenReplaced(6, key);
    // and the agent without a key cannot read what replaced it
    install(null, null);
    assertRefusedOnceThenReplaced(6, key);
  }

  @Test
  void rotationReadsWhatThePreviousKeySignedAndWritesWithTheNewOne() {
    install(KEY, null);
    String key = primeItem(7);

    install(NEW_KEY, KEY);
    assertThat(catalog.item(7)).isEqualTo("item7");
    assertThat(Calls.count("item")).as("a hit across the rotation").isZero();
    assertThat(errors).isEmpty();
    manager.set("rotated", "new");

    install(NEW_KEY, null);
    assertThat(manager.<String>get("rotated")).isEqualTo("new");
    assertThat(errors).isEmpty();
    // without the previous key, the old entry is refused
    assertRefusedOnceThenReplaced(7, key);
  }
}
