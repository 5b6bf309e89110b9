package io.depcache.agent.runtime;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.example.fixtures.Basket;
import com.example.fixtures.BasketLine;
import com.example.fixtures.Baskets;
import com.example.fixtures.Calls;
import com.example.fixtures.User;
import com.example.fixtures.UserService;
import io.depcache.CacheEvent;
import io.depcache.CacheEventType;
import io.depcache.DepCache;
import io.depcache.agent.AgentMain;
import io.depcache.agent.store.KeyLayout;
import io.depcache.testing.TestRedis;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/**
 * {@code depcache.serializer} chooses how a manager writes its entries, against a real Redis: kryo
 * caches what java cannot, and after a change of serializer (a deployment that switches, a fleet in
 * the middle of one) each reads the other's entries as misses, replaced, never as errors.
 */
class SerializerSelectionTest {
  private final String prefix = AgentTestSupport.uniquePrefix();
  private final List<CacheEvent> errors = new CopyOnWriteArrayList<>();
  private AgentMain.Installation installation;
  private RedisClient redis;

  @BeforeEach
  void setUp() {
    redis = RedisClient.create(TestRedis.url());
    Calls.reset();
  }

  @AfterEach
  void tearDown() {
    uninstall();
    redis.close();
  }

  @Test
  void kryoCachesADtoWithoutSerializableAndARecordThroughRedis() {
    install("kryo");
    Baskets baskets = new Baskets();

    Basket basket = baskets.basket("ada");
    assertThat(baskets.basket("ada")).isEqualTo(basket).isNotSameAs(basket);
    assertThat(Calls.count("basket")).isEqualTo(1);
    assertThat(kindByte(Baskets.lastKey)).as("a VALUE written by kryo").isEqualTo(0x10);
    for (int n : new int[] {1, 2}) {
      BasketLine line = baskets.cachedLine(n);
      assertThat(baskets.cachedLine(n)).isEqualTo(line).isNotSameAs(line);
    }
    assertThat(Calls.count("cachedLine")).isEqualTo(2);
    assertThat(errors).isEmpty();
  }

  @Test
  void javaRunsTheSameMethodsUncached() {
    install("java");
    Baskets baskets = new Baskets();

    baskets.basket("ada");
    baskets.basket("ada");
    baskets.cachedLine(1);
    baskets.cachedLine(1);

    assertThat(Calls.count("basket")).isEqualTo(2);
    assertThat(Calls.count("cachedLine")).isEqualTo(2);
  }

  @Test
  void afterASwitchEachSerializerReadsTheOthersEntriesAsMissesAndReplacesThem() {
    UserService users = new UserService();
    Supplier<User> call = () -> users.user(7);
    install("java");
    User user = call.get();
    assertThat(call.get()).isEqualTo(user);
    String key = "com.example.fixtures.UserService#user(7)";
    assertThat(kindByte(key)).isEqualTo(0x00);

    for (String serializer : List.of("kryo", "java", "kryo")) {
      uninstall();
      install(serializer);
      int computed = Calls.count("user");

      assertThat(call.get()).isEqualTo(user);
      assertThat(Calls.count("user")).as("a miss under " + serializer).isEqualTo(computed + 1);
      assertThat(errors).singleElement().satisfies(e -> assertThat(e.key()).isEqualTo(key));
      assertThat(call.get()).isEqualTo(user);
      assertThat(Calls.count("user")).as("then a hit").isEqualTo(computed + 1);
      assertThat(kindByte(key)).isEqualTo(serializer.equals("kryo") ? 0x10 : 0x00);
    }
  }

  private void install(String serializer) {
    installation =
        AgentTestSupport.install(
            Map.of(
                "depcache.redis.url",
                TestRedis.url(),
                "depcache.prefix",
                prefix,
                "depcache.serializer",
                serializer));
    errors.clear();
    DepCache.manager().events().on(CacheEventType.ERROR, errors::add);
  }

  private void uninstall() {
    if (installation != null) {
      installation.uninstall();
      installation = null;
    }
  }

  /** The third byte of the stored entry: its kind, and the serializer of its value. */
  private int kindByte(String key) {
    byte[] raw =
        redis.get(KeyLayout.entryKey(KeyLayout.namespace(prefix, "default"), key).getBytes(UTF_8));
    assertThat(raw).as("the entry of %s", key).isNotNull();
    return raw[2] & 0xFF;
  }
}
