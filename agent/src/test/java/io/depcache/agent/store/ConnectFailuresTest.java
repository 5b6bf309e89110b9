package io.depcache.agent.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import redis.clients.jedis.exceptions.JedisAccessControlException;
import redis.clients.jedis.exceptions.JedisConnectionException;

class ConnectFailuresTest {
  /** As Jedis wraps a refusal met while it opens a connection. */
  private static RuntimeException opening(String reply) {
    return new JedisConnectionException(
        "Could not get a resource from the pool", new JedisAccessControlException(reply));
  }

  @Test
  void aWrongPasswordIsARefusedLoginThatPointsAtTheCredentials() {
    String why =
        ConnectFailures.describe(
            opening("WRONGPASS invalid username-password pair or user is disabled."), true);

    assertThat(why)
        .startsWith("login refused: WRONGPASS")
        .contains("check depcache.redis.user and depcache.redis.password");
  }

  @Test
  void aCommandTheAclRefusesIsNotCalledARefusedLogin() {
    // a cluster client asks for the slots once logged in: a user without +cluster|slots
    String why =
        ConnectFailures.describe(
            opening("NOPERM this user has no permissions to run the 'cluster|slots' command"),
            true);

    assertThat(why)
        .startsWith(
            "refused by the server's ACL: NOPERM this user has no permissions to run the"
                + " 'cluster|slots' command")
        .contains("README's ACL SETUSER lines")
        .doesNotContain("login refused")
        .doesNotContain("depcache.redis.password");
  }
}
