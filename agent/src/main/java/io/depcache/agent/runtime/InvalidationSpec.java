package io.depcache.agent.runtime;

import java.util.List;

/**
 * What the instrumentation read about one method that invalidates dependencies when it returns
 * normally, from {@code @Invalidates} or a {@code depcache.invalidate.<id>} rule.
 *
 * @param ownerName binary name of the declaring class
 * @param methodName the method's name
 * @param parameterTypeNames the parameter types' names
 * @param parameterNames the parameters' names, or {@code null} without {@code -parameters}
 * @param dependencies dependency templates; may use {@code {result}}
 * @param manager the manager's name, empty for the default
 * @param origin what asked for it, for messages: {@code @Invalidates} or {@code
 *     depcache.invalidate.<id> (file <path>, line <n>)}
 */
public record InvalidationSpec(
    String ownerName,
    String methodName,
    List<String> parameterTypeNames,
    List<String> parameterNames,
    List<String> dependencies,
    String manager,
    String origin) {

  /** {@code Class#method}, as events and messages name it. */
  public String displayName() {
    return ownerName + '#' + methodName;
  }

  /** {@code Class#method(type, ...)}. */
  public String signature() {
    return displayName() + '(' + String.join(", ", parameterTypeNames) + ')';
  }
}
