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

  static String uniquePrefix() {
    return "t" + UUID.randomUUID().toString().substring(0, 8);
  }
}
