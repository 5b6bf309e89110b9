package io.depcache.agent;

import io.depcache.agent.config.AgentConfig;
import io.depcache.agent.config.ManagerConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * Settings that API.md names but this version does not implement yet: the agent refuses to start
 * with them rather than silently ignore what the user asked for.
 */
final class Unsupported {
  private Unsupported() {}

  static String find(AgentConfig config) {
    List<ManagerConfig> managers = new ArrayList<>();
    managers.add(config.defaultManager());
    for (String name : config.configuredManagerNames()) {
      managers.add(config.manager(name));
    }
    List<String> problems = new ArrayList<>();
    for (ManagerConfig m : managers) {
      String where =
          m.name().equals("default") ? "depcache." : "depcache.manager." + m.name() + ".";
      if (!m.clusterNodes().isEmpty()
          && (m.redisUser() != null
              || m.redisPassword() != null
              || m.tls().truststore() != null
              || m.tls().keystore() != null)) {
        problems.add(
            where
                + "redis.cluster.nodes: a Redis Cluster with a user, a password or TLS is not"
                + " supported by this version");
      }
      if (m.nearCache()) {
        problems.add(where + "near-cache.enabled: the near cache is not supported by this version");
      }
    }
    return problems.isEmpty() ? null : String.join("; ", problems);
  }
}
