package io.depcache.agent.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.depcache.agent.config.AgentConfig;
import io.depcache.agent.config.ManagerConfig;
import io.depcache.testing.RedisProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;

/**
 * The whole store contract as the ACL user of the README's {@code ACL SETUSER} line, on a server
 * whose {@code default} user is off: the line names every command the store sends, and nothing more
 * is needed. A wrong password, or none, is refused as an outage, in one sentence without the
 * password.
 */
class AclStoreIT extends CacheStoreContract implements StoreAdminContract {
  private static final Pattern README_LINE =
      Pattern.compile("^ACL SETUSER depcache .*$", Pattern.MULTILINE);
  private static final String ADMIN_PASSWORD = "admin-" + UUID.randomUUID();

  private static RedisProcess server;
  private static String password;

  @BeforeAll
  static void startServerWithTheReadmesUser() throws Exception {
    Path readme = Path.of("").toAbsolutePath().resolveSibling("README.md");
    Matcher line = README_LINE.matcher(Files.readString(readme));
    assertThat(line.find()).as("the README has an ACL SETUSER depcache line").isTrue();
    String[] words = line.group().split(" ");
    password = Arrays.stream(words).filter(w -> w.startsWith(">")).findFirst().orElseThrow();
    password = password.substring(1);

    server =
        RedisProcess.start(
            (port, dir) ->
                List.of(
                    "--port",
                    Integer.toString(port),
                    "--bind",
                    "127.0.0.1",
                    "--save",
                    "",
                    "--appendonly",
                    "no"),
            RedisProcess.SERVER_READY);
    try (Jedis admin = new Jedis("127.0.0.1", server.port())) {
      // exactly the README's words, after "ACL"
      Object reply =
          admin.sendCommand(Protocol.Command.ACL, Arrays.copyOfRange(words, 1, words.length));
      assertThat(new String((byte[]) reply)).isEqualTo("OK");
      admin.aclSetUser("admin", "on", ">" + ADMIN_PASSWORD, "allcommands", "allkeys");
      admin.aclSetUser("default", "off");
    }
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  private static ManagerConfig settings(String... keyValues) throws Exception {
    Map<String, String> properties = new HashMap<>();
    properties.put("depcache.redis.url", "redis://127.0.0.1:" + server.port() + "/0");
    properties.put("depcache.redis.timeout-ms", "2000");
    for (int i = 0; i < keyValues.length; i += 2) {
      properties.put(keyValues[i], keyValues[i + 1]);
    }
    return AgentConfig.load(null, properties, Map.of()).defaultManager();
  }

  @Override
  CacheStore createStore() {
    try {
      return RedisStore.connect(
          settings("depcache.redis.user", "depcache", "depcache.redis.password", password),
          KeyLayout.sequenceKey("depcache"));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** As the README's user: its line names every command of publishing, dependents and stats. */
  @Override
  public StoreAdmin createAdmin() throws Exception {
    return StoreAdmin.open(
        settings("depcache.redis.user", "depcache", "depcache.redis.password", password));
  }

  /** Under {@code ~depcache:*}: the README's user may touch nothing else. */
  @Override
  String newPrefix() {
    return "depcache:t" + UUID.randomUUID().toString().substring(0, 8);
  }

  @Test
  void theDefaultUserIsOffAndTheReadmesUserReachesNothingOutsideItsPrefix() {
    try (Jedis anonymous = new Jedis("127.0.0.1", server.port())) {
      assertThatThrownBy(() -> anonymous.get("depcache:x")).hasMessageContaining("NOAUTH");
    }
    try (Jedis user =
        new Jedis(
            new HostAndPort("127.0.0.1", server.port()),
            DefaultJedisClientConfig.builder().user("depcache").password(password).build())) {
      assertThat(user.get("depcache:x")).isNull();
      assertThatThrownBy(() -> user.get("other:x")).hasMessageContaining("NOPERM");
      assertThatThrownBy(() -> user.flushAll()).hasMessageContaining("NOPERM");
    }
  }

  @Test
  void aWrongPasswordIsAnOutageNamedInOneSentenceWithoutThePassword() throws Exception {
    String wrong = "wrong-" + UUID.randomUUID();
    try (CacheStore refused =
        RedisStore.connect(
            settings("depcache.redis.user", "depcache", "depcache.redis.password", wrong),
            KeyLayout.sequenceKey("depcache"))) {
      StoreException e = (StoreException) catchStoreException(() -> refused.get(entry("a")));

      assertThat(e.kind()).isEqualTo(StoreException.Kind.UNAVAILABLE);
      assertThat(e.getMessage())
          .startsWith(
              "Redis GET on redis://127.0.0.1:" + server.port() + "/0 failed: login refused:")
          .contains("WRONGPASS")
          .contains("depcache.redis.password")
          .doesNotContain(wrong);
    }
  }

  @Test
  void noPasswordWhereOneIsNeededIsAnOutageToo() throws Exception {
    try (CacheStore anonymous = RedisStore.connect(settings(), KeyLayout.sequenceKey("depcache"))) {
      StoreException e = (StoreException) catchStoreException(() -> anonymous.get(entry("a")));

      assertThat(e.kind()).isEqualTo(StoreException.Kind.UNAVAILABLE);
      assertThat(e.getMessage()).contains("login refused:").contains("NOAUTH");
    }
  }

  private static Throwable catchStoreException(Runnable call) {
    try {
      call.run();
    } catch (StoreException e) {
      return e;
    }
    throw new AssertionError("expected a StoreException");
  }
}
