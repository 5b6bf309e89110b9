package io.depcache.agent.runtime;

import io.depcache.agent.AgentMain;
import java.lang.instrument.Instrumentation;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import net.bytebuddy.agent.ByteBuddyAgent;

/** Installs the agent into the test JVM with explicit settings, never the real environment. */
final class AgentTestSupport {
  private AgentTestSupport() {}

  static AgentMain.Installation install(Map<String, String> settings) {
    Instrumentation instrumentation = ByteBuddyAgent.install();
    Map<String, String> properties = new HashMap<>(settings);
    AgentMain.Installation installation =
        AgentMain.install(null, instrumentation, properties, Map.of());
    if (installation == null) {
      throw new AssertionError("the agent refused to install with " + settings);
    }
    return installation;
  }

  /**
   * Installs the agent against {@code redisUrl} (a {@code SlowProxy}'s, in the tests of a slow
   * Redis) with a timeout of {@code timeoutMs} and a prefix of its own.
   */
  static AgentMain.Installation installAgainst(String redisUrl, int timeoutMs) {
    return install(
        Map.of(
            "depcache.redis.url",
            redisUrl,
            "depcache.redis.timeout-ms",
            Integer.toString(timeoutMs),
            "depcache.prefix",
            uniquePrefix()));
  }

  static String uniquePrefix() {
    return "t" + UUID.randomUUID().toString().substring(0, 8);
  }
}
