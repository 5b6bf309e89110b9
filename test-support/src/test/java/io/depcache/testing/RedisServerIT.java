package io.depcache.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.exceptions.JedisConnectionException;

class RedisServerIT {
  @Test
  void startsAnswersStopsAndRestartsOnTheSamePortWithWhatWasSaved() {
    try (RedisServer server = RedisServer.start()) {
      assertThat(server.url()).isEqualTo("redis://127.0.0.1:" + server.port() + "/0");
      try (RedisClient client = RedisClient.create(server.url())) {
        client.set("kept", "yes");
        client.sendCommand(Protocol.Command.SAVE);
        client.set("lost", "unsaved");
      }

      server.stop();
      assertThat(server.isRunning()).isFalse();
      try (RedisClient client = RedisClient.create(server.url())) {
        assertThatThrownBy(client::ping).isInstanceOf(JedisConnectionException.class);
      }

      server.restart();
      try (RedisClient client = RedisClient.create(server.url())) {
        assertThat(client.get("kept")).isEqualTo("yes");
        assertThat(client.exists("lost")).isFalse();
      }
    }
  }

  @Test
  void testRedisGivesOneSharedServerThatAnswers() {
    String url = TestRedis.url();

    assertThat(TestRedis.url()).isSameAs(url);
    try (RedisClient client = RedisClient.create(url)) {
      assertThat(client.ping()).isEqualTo("PONG");
    }
  }
}
