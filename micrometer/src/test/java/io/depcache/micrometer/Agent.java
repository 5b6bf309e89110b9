package io.depcache.micrometer;

import io.depcache.agent.AgentMain;
import java.util.Map;
import java.util.UUID;
import net.bytebuddy.agent.ByteBuddyAgent;

/** The real agent, installed into the test JVM with the memory backend. */
final class Agent {
  private Agent() {}

  static AgentMain.Installation install() {
    AgentMain.Installation installation =
        AgentMain.install(
            null,
            ByteBuddyAgent.install(),
            Map.of(
                "depcache.backend",
                "memory",
                "depcache.prefix",
                "m" + UUID.randomUUID().toString().substring(0, 8)),
            Map.of());
    if (installation == null) {
      throw new AssertionError("the agent did not install");
    }
    return installation;
  }
}
