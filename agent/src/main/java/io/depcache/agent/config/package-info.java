/**
 * Configuration: reads the agent arguments, system properties, environment and properties file in
 * one documented order and produces one immutable {@link io.depcache.agent.config.AgentConfig}.
 *
 * <p>Owns the key catalogue, precedence, validation and the wording of configuration problems
 * (every problem names the key, its source and what was expected; secrets never appear). Knows
 * nothing about Redis connections, instrumentation or serialization: it only checks the shape of
 * their settings. May call: the JDK only.
 */
package io.depcache.agent.config;
