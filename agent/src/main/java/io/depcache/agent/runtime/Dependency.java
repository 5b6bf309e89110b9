package io.depcache.agent.runtime;

/**
 * A dependency as a cached call declares it: its text and the manager whose invalidations apply.
 *
 * @param manager the manager's name
 * @param name the dependency, e.g. {@code user:42}
 */
record Dependency(String manager, String name) {}
