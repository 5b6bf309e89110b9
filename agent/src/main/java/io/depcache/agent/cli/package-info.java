/**
 * The command line: {@code java -jar depcache-agent.jar <command>}. Owns argument parsing, output
 * and exit codes. Today it has {@code check}, the dry run of the configuration against an
 * application's class path. May call: the config room ({@link
 * io.depcache.agent.config.AgentConfig}) and the instrument room's {@link
 * io.depcache.agent.instrument.DryRun}.
 */
package io.depcache.agent.cli;
