package io.depcache.agent.runtime;

import io.depcache.DepCacheException;
import io.depcache.agent.config.AgentConfig;
import io.depcache.agent.config.ManagerConfig;
import io.depcache.agent.serial.AllowList;
import io.depcache.agent.serial.CorruptEntryException;
import io.depcache.agent.serial.EntryDependencies;
import io.depcache.agent.serial.EntrySummary;
import io.depcache.agent.store.KeyLayout;
import io.depcache.agent.store.StoreAdmin;
import io.depcache.agent.store.StoreException;
import io.depcache.agent.store.StoreFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What an operator does to the store from the command line, over the same {@link Managers} that
 * premain builds: each operation is the manager's own (the same keys, fences and batches as the
 * agent's), with every store failure thrown as an {@link OperationException} at once. Nothing is
 * retried in the background and nothing is spooled: a command that could not reach Redis has not
 * been applied.
 */
public final class Operations implements AutoCloseable {
  private final Managers managers;
  private StoreAdmin admin;
  private String adminOf;

  private Operations(Managers managers) {
    this.managers = managers;
  }

  /**
   * The operations of a configuration, for the command line.
   *
   * @param config as the agent would read it
   */
  public static Operations forCommandLine(AgentConfig config) {
    return new Operations(new Managers(config, new AllowList(), true));
  }

  /** A store failure, or a manager that the command line cannot act on. */
  public static class OperationException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    OperationException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** What is stored under a key is not an entry that this agent can read. */
  public static final class NotAnEntryException extends OperationException {
    private static final long serialVersionUID = 1L;

    NotAnEntryException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * The settings of a manager, checked for a store the command line can reach.
   *
   * @throws OperationException when the manager uses the memory backend or its name is invalid
   */
  public ManagerConfig settings(String manager) {
    ManagerCore core = core(manager);
    if (core.config.inMemory()) {
      throw new OperationException(
          "manager "
              + core.name()
              + " uses depcache.backend=memory, which lives inside one JVM: the command line"
              + " reaches Redis only",
          null);
    }
    return core.config;
  }

  private ManagerCore core(String manager) {
    try {
      return managers.core(manager);
    } catch (IllegalArgumentException e) {
      throw new OperationException(e.getMessage(), e);
    }
  }

  /** Invalidates one dependency; returns the entries removed. */
  public long invalidate(String manager, String dependency) {
    ManagerCore core = reachable(manager);
    return run(() -> core.invalidate(Set.of(dependency)));
  }

  /** Deletes one entry by its key; returns 1 when it existed. */
  public long delete(String manager, String key) {
    ManagerCore core = reachable(manager);
    return run(() -> core.delete(List.of(key), key));
  }

  /** Removes every entry of a manager; returns how many. */
  public long clear(String manager) {
    ManagerCore core = reachable(manager);
    return run(core::clear);
  }

  /**
   * What an entry is, unread.
   *
   * @return the summary and ttl, or {@code null} when there is no such entry
   * @throws OperationException when the bytes under the key are not an entry
   */
  public Inspection inspect(String manager, String key) {
    ManagerCore core = reachable(manager);
    byte[] bytes = run(() -> core.get(key));
    if (bytes == null) {
      return null;
    }
    long ttl = run(() -> core.ttlSeconds(key));
    EntrySummary entry;
    try {
      if (core.signing.signs()) {
        core.signing.open(core.entryKey(key), bytes); // what a hit would refuse, inspect names
      }
      entry = EntrySummary.of(bytes);
    } catch (CorruptEntryException e) {
      throw new NotAnEntryException(
          "the value under key '" + key + "' is not a depcache entry: " + e.getMessage(), e);
    }
    List<RecordedDependency> dependencies = new ArrayList<>();
    EntryDependencies recorded = entry.dependencies();
    for (int i = 0; i < recorded.size(); i++) {
      long sequence = recorded.sequence(i);
      dependencies.add(
          new RecordedDependency(
              recorded.manager(i),
              recorded.name(i),
              sequence == EntryDependencies.NO_SEQUENCE ? -1 : sequence));
    }
    return new Inspection(
        entry.kind().name(),
        entry.valueClass(),
        entry.serializer(),
        entry.bytes(),
        ttl,
        dependencies,
        entry.signed());
  }

  /**
   * An entry as {@code inspect} shows it.
   *
   * @param kind {@code VALUE}, {@code NULL}, {@code EXCEPTION}, {@code OPTIONAL} or {@code
   *     OPTIONAL_EMPTY}
   * @param valueClass the class its value's bytes name, {@code "?"} when unknown, {@code null} for
   *     none
   * @param serializer the serializer of the value, or {@code null}
   * @param bytes its size in the store
   * @param ttlSeconds Redis' convention: -1 no expiry
   * @param signed whether it carries a MAC
   */
  public record Inspection(
      String kind,
      String valueClass,
      String serializer,
      int bytes,
      long ttlSeconds,
      List<RecordedDependency> dependencies,
      boolean signed) {}

  /**
   * A dependency as an entry records it.
   *
   * @param sequence the invalidation sequence its computation started at; -1 when unknown
   */
  public record RecordedDependency(String manager, String name, long sequence) {}

  /**
   * The entries that depend on a dependency of a manager.
   *
   * @param limit at most this many are listed
   */
  public Dependents dependents(String manager, String dependency, int limit) {
    ManagerCore core = reachable(manager);
    StoreAdmin.Members members =
        run(() -> admin(core.config).members(core.dependencyKey(dependency), limit));
    List<Dependent> keys = new ArrayList<>();
    for (String entryKey : members.entryKeys()) {
      String[] owner = KeyLayout.userKey(core.config.prefix(), entryKey);
      keys.add(owner == null ? new Dependent(null, entryKey) : new Dependent(owner[0], owner[1]));
    }
    return new Dependents(members.total(), keys);
  }

  /**
   * The entries of a dependency set.
   *
   * @param total how many depend on it
   * @param keys the first of them
   */
  public record Dependents(long total, List<Dependent> keys) {}

  /**
   * One dependent entry.
   *
   * @param manager its manager, or {@code null} when its store key is of no manager of the prefix
   * @param key its key as {@code currentCacheKey()} gives it (or the store key)
   */
  public record Dependent(String manager, String key) {}

  /** What the running agents of a manager's prefix published, one per live JVM. */
  public List<FleetStats.Jvm> fleet(String manager) {
    ManagerCore core = reachable(manager);
    Map<String, Map<String, String>> published =
        run(() -> admin(core.config).published(KeyLayout.statsKeysOf(core.config.prefix())));
    List<FleetStats.Jvm> jvms = new ArrayList<>();
    published.values().forEach(fields -> jvms.add(FleetStats.parse(fields)));
    return jvms;
  }

  private ManagerCore reachable(String manager) {
    settings(manager);
    return core(manager);
  }

  private StoreAdmin admin(ManagerConfig settings) {
    String identity = StoreFactory.identity(settings);
    if (admin != null && !identity.equals(adminOf)) {
      admin.close();
      admin = null;
    }
    if (admin == null) {
      admin = StoreAdmin.open(settings);
      adminOf = identity;
    }
    return admin;
  }

  private static <T> T run(java.util.function.Supplier<T> operation) {
    try {
      return operation.get();
    } catch (DepCacheException | StoreException e) {
      Throwable cause = e.getCause() instanceof StoreException store ? store : e;
      throw new OperationException(cause.getMessage(), e);
    }
  }

  @Override
  public void close() {
    if (admin != null) {
      admin.close();
    }
    managers.close();
  }
}
