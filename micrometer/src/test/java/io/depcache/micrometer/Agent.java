package io.depcache.micrometer;

import io.depcache.agent.AgentMain;
import io.depcache.testing.TestRedis;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import net.bytebuddy.agent.ByteBuddyAgent;

/** The real agent, installed into the test JVM with the memory backend. */
final class Agent {
  private Agent() {}

  static AgentMain.Installation install() {
    return install(Map.of("depcache.backend", "memory"));
  }

  /** The real agent on the shared test Redis, with the near cache on. */
  static AgentMain.Installation installNear() {
    return install(
        Map.of("depcache.redis.url", TestRedis.url(), "depcache.near-cache.enabled", "true"));
  }

  private static AgentMain.Installation install(Map<String, String> settings) {
    Map<String, String> all = new HashMap<>(settings);
    all.put("depcache.prefix", "m" + UUID.randomUUID().toString().substring(0, 8));
    AgentMain.Installation installation =
        AgentMain.install(null, ByteBuddyAgent.install(), all, Map.of());
    if (installation == null) {
      throw new AssertionError("the agent did not install");
    }
    return installation;
  }
}
