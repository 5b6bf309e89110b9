/**
 * Instrumentation: the Byte Buddy recipe, matchers and advice. Owns which classes are rewritten and
 * how; advice is a one-line delegation to {@link io.depcache.bridge.Bridge}. May call: the runtime
 * room's {@link io.depcache.agent.runtime.MethodRegistry} and {@link
 * io.depcache.agent.runtime.MethodSpec}, and the serial room's allowlist.
 */
package io.depcache.agent.instrument;
