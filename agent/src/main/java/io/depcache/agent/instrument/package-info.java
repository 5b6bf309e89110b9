/**
 * Instrumentation: the Byte Buddy recipe, matchers and advice. Owns which classes are rewritten and
 * how (annotations, inherited annotations, configuration patterns: {@code Selector}), and the dry
 * run over class files ({@link io.depcache.agent.instrument.DryRun}); advice is a one-line
 * delegation to {@link io.depcache.bridge.Bridge}. May call: the runtime room's {@link
 * io.depcache.agent.runtime.MethodRegistry}, {@link io.depcache.agent.runtime.MethodSpec}, {@link
 * io.depcache.agent.runtime.InvalidationSpec} and {@link io.depcache.agent.runtime.TemplateCheck},
 * the config room's rules and {@link io.depcache.agent.config.MethodPattern}, and the serial room's
 * allowlist.
 */
package io.depcache.agent.instrument;
