package io.depcache.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.depcache.testing.CommandRun;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** {@code java -jar depcache-agent.jar <command>}: a separate JVM on the packaged jar. */
final class Cli {
  private Cli() {}

  /**
   * Runs one command.
   *
   * @param options the JVM's {@code -D} options that name the store and prefix
   * @param arguments the command and its arguments; a {@code -D} among them goes to the JVM too
   */
  static CommandRun run(List<String> options, String... arguments) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(options);
    List<String> rest = new ArrayList<>();
    for (String argument : arguments) {
      (argument.startsWith("-D") ? command : rest).add(argument); // JVM options go first
    }
    command.add("-jar");
    command.add(ItSettings.agentJar());
    command.addAll(rest);
    return CommandRun.of(command);
  }

  /** The one JSON document that a {@code --json} command printed. */
  static JsonObject json(CommandRun run) {
    List<String> documents = run.output().lines().filter(l -> l.startsWith("{")).toList();
    assertThat(documents).as("one JSON document in: " + run.output()).hasSize(1);
    return JsonParser.parseString(documents.get(0)).getAsJsonObject();
  }
}
