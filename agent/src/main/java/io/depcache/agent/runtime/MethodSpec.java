package io.depcache.agent.runtime;

import java.util.List;
import java.util.Set;

/**
 * What the instrumentation read about one cached method, without loading any class: its shape and
 * the values of its {@code @DepCached}.
 *
 * @param ownerName binary name of the declaring class
 * @param methodName the method's name
 * @param parameterTypeNames the parameter types' names, e.g. {@code int}, {@code java.lang.String}
 * @param parameterNames the parameters' names, or {@code null} when the class was compiled without
 *     {@code -parameters}
 * @param returnTypeName the erasure of the return type
 * @param genericReturnType the return type as {@link java.lang.reflect.Type#getTypeName()} writes
 *     it, type arguments included ({@code java.util.List<java.lang.Long>}); equal to {@code
 *     returnTypeName} when the return type is not generic
 * @param valuePackages the packages of the declaring class and of every class in the generic return
 *     type, allowed for deserialization
 * @param overloaded whether the declaring class has another method of the same name
 * @param ttl seconds; {@code -1}: the manager's default
 * @param dependencies dependency templates
 * @param key the key template, empty for the derived key
 * @param manager the manager's name, empty for the default
 * @param cacheExceptions names of exception types cached like results
 * @param cacheNulls whether {@code null} results are cached
 */
public record MethodSpec(
    String ownerName,
    String methodName,
    List<String> parameterTypeNames,
    List<String> parameterNames,
    String returnTypeName,
    String genericReturnType,
    Set<String> valuePackages,
    boolean overloaded,
    long ttl,
    List<String> dependencies,
    String key,
    String manager,
    List<String> cacheExceptions,
    boolean cacheNulls) {

  /** {@code Class#method}, as events and messages name it. */
  public String displayName() {
    return ownerName + '#' + methodName;
  }

  /** {@code Class#method(type, ...)}, unique within the class. */
  public String signature() {
    return displayName() + '(' + String.join(", ", parameterTypeNames) + ')';
  }
}
