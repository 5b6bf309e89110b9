/**
 * The command line: {@code java -jar depcache-agent.jar <command>}. Owns argument parsing, output
 * and exit codes. Today it has {@code check}, the dry run of the configuration against an
 * application's class path, and {@code attach}, which loads this jar into a running JVM through the
 * JDK's attach API and reads what the agent reported there ({@link
 * io.depcache.agent.cli.Cli#STATUS_PROPERTY}). May call: the config room ({@link
 * io.depcache.agent.config.AgentConfig}), the instrument room's {@link
 * io.depcache.agent.instrument.DryRun}, and the JDK's {@code com.sun.tools.attach}.
 */
package io.depcache.agent.cli;
