/**
 * Instrumentation: the transformer, matchers and advice. Owns which classes are looked at (from
 * their bytes, before anything parses them: {@code ClassPrefilter}), which methods are rewritten
 * and how (annotations, inherited annotations, configuration patterns: {@code Selector}; Byte
 * Buddy's {@code decorate} with inline advice: {@code Rewriter}), when (premain registers a gate
 * and prepares the rewriter off the main thread: {@code Gate}), the JDK's executors, rewritten so
 * that the tasks a cached call gives them carry its context (a transformer of its own for a few
 * bootstrap classes named one by one: {@code Propagation}), and the dry run over class files
 * ({@link io.depcache.agent.instrument.DryRun}); advice is a one-line delegation to {@link
 * io.depcache.bridge.Bridge}. May call: the runtime room's {@link
 * io.depcache.agent.runtime.MethodRegistry}, {@link io.depcache.agent.runtime.MethodSpec}, {@link
 * io.depcache.agent.runtime.InvalidationSpec} and {@link io.depcache.agent.runtime.TemplateCheck},
 * and the config room's rules and {@link io.depcache.agent.config.MethodPattern}. Registering a
 * cached method is what allows its value types for deserialization; the registry does that, not the
 * rewriter.
 */
package io.depcache.agent.instrument;
