/**
 * The command line: {@code java -jar depcache-agent.jar <command>}. Owns argument parsing ({@link
 * io.depcache.agent.cli.Arguments}), output ({@code name: value} lines or JSON) and exit codes; one
 * class per command behind {@code Command}, listed in {@link io.depcache.agent.cli.Cli}. The
 * commands that act on Redis ({@code invalidate}, {@code delete}, {@code inspect}, {@code
 * dependents}, {@code stats}, {@code clear}) reach it through the runtime's public facade {@link
 * io.depcache.agent.runtime.Operations}, over the same managers as premain; {@code check} is the
 * dry run of the configuration against an application's class path, and {@code attach} loads this
 * jar into a running JVM through the JDK's attach API and reads what the agent reported there
 * ({@link io.depcache.agent.cli.Cli#STATUS_PROPERTY}). May call: the config room ({@link
 * io.depcache.agent.config.AgentConfig}), the runtime's {@link
 * io.depcache.agent.runtime.Operations} and {@link io.depcache.agent.runtime.FleetStats}, the
 * instrument room's {@link io.depcache.agent.instrument.DryRun}, and the JDK's {@code
 * com.sun.tools.attach}.
 */
package io.depcache.agent.cli;
