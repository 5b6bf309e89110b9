package io.depcache.agent.config;

import java.util.List;

/**
 * A method cached by configuration ({@code depcache.target.<id>.*}) rather than by
 * {@code @DepCached}; unset fields take the annotation's defaults.
 *
 * @param id the rule's id, the {@code <id>} of its keys
 * @param method the method pattern text, {@code <type>#<method>[(<parameters>)]}, checked for its
 *     overall shape only
 * @param ttl seconds ({@code -1}: the manager's default, {@code 0}: never expires), or {@code null}
 *     when unset
 * @param dependencies dependency templates; empty when unset
 * @param key the key template, or {@code null} when unset
 * @param manager the manager name, or {@code null} for the default one
 * @param cacheExceptions fully qualified names of exception classes to cache; empty when unset
 * @param cacheNulls whether {@code null} results are cached, or {@code null} when unset
 * @param source where the rule's {@code method} key was set, for later messages
 */
public record TargetRule(
    String id,
    String method,
    Long ttl,
    List<String> dependencies,
    String key,
    String manager,
    List<String> cacheExceptions,
    Boolean cacheNulls,
    String source) {

  public TargetRule {
    dependencies = List.copyOf(dependencies);
    cacheExceptions = List.copyOf(cacheExceptions);
  }
}
