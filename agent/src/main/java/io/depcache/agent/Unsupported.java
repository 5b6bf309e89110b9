package io.depcache.agent;

import io.depcache.agent.config.AgentConfig;
import io.depcache.agent.config.ManagerConfig;
import io.depcache.agent.store.StoreFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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
      if (m.nearCache() && m.inMemory()) {
        problems.add(
            where
                + "near-cache.enabled: the near cache works in front of Redis, not with"
                + " depcache.backend=memory, whose entries are in the JVM already");
      }
    }
    // Managers on one Redis share one store, and so one near cache or none: they must agree.
    Map<String, ManagerConfig> byStore = new HashMap<>();
    for (ManagerConfig m : managers) {
      ManagerConfig first = byStore.putIfAbsent(StoreFactory.identity(m), m);
      if (first != null
          && (first.nearCache() || m.nearCache())
          && (first.nearCache() != m.nearCache()
              || !first.prefix().equals(m.prefix())
              || first.nearCacheMaxEntries() != m.nearCacheMaxEntries()
              || first.nearCacheTtlSeconds() != m.nearCacheTtlSeconds())) {
        problems.add(
            "depcache.manager."
                + m.name()
                + ".near-cache.*: managers on the same Redis must have the same"
                + " near-cache.enabled, .max-entries, .ttl and prefix as manager "
                + first.name()
                + " in this version");
      }
    }
    return problems.isEmpty() ? null : String.join("; ", problems);
  }
}
