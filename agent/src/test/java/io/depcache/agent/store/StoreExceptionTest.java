package io.depcache.agent.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Which failures are the server refusing a command for good ({@link StoreException#refusal}), in
 * the words of the Redis versions in use: each logged once, not retried in silence.
 */
class StoreExceptionTest {
  @ParameterizedTest
  @ValueSource(
      strings = {
        // a command sent directly, every version
        "NOPERM this user has no permissions to run the 'hset' command",
        "NOPERM No permissions to access a channel",
        // inside a script, Redis 7.0 and 7.1
        "ERR Error running script (call to f_1): @user_script:5: The user executing the script"
            + " can't run this command or subcommand",
        "ERR Error running script: The user executing the script can't access at least one of"
            + " the keys mentioned in the command",
        // inside a script, Redis 7.2 and later
        "ERR ACL failure in script: User depcache has no permissions to run the 'hset' command",
        "ERR ACL failure in script: User depcache has no permissions to access the 'x' key",
        "ERR unknown command 'SPUBLISH', with args beginning with: "
      })
  void aPermissionTheUserLacksOrACommandTheServerDoesNotKnowIsARefusal(String message) {
    assertThat(StoreException.refusal("Redis publish script on redis://h:1/0 failed: " + message))
        .isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "Redis GET on redis://h:1/0 failed: connection refused",
        "Redis GET on redis://h:1/0 failed: Read timed out",
        "OOM command not allowed when used memory > 'maxmemory'",
        "WRONGTYPE Operation against a key holding the wrong kind of value"
      })
  void anOutageOrAnotherErrorIsNot(String message) {
    assertThat(StoreException.refusal(message)).isFalse();
  }
}
