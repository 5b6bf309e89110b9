package io.depcache.agent.config;

import java.util.List;

/**
 * A method that invalidates dependencies by configuration ({@code depcache.invalidate.<id>.*})
 * rather than by {@code @Invalidates}.
 *
 * @param id the rule's id, the {@code <id>} of its keys
 * @param method the method pattern text, {@code <type>#<method>[(<parameters>)]}
 * @param dependencies dependency templates, never empty; may use {@code {result}}
 * @param manager the manager name, or {@code null} for the default one
 * @param source where the rule's {@code method} key was set, for later messages
 */
public record InvalidationRule(
    String id, String method, List<String> dependencies, String manager, String source) {

  public InvalidationRule {
    dependencies = List.copyOf(dependencies);
  }
}
