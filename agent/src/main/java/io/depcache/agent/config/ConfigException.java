package io.depcache.agent.config;

import java.util.List;

/**
 * The configuration has one or more problems; the agent does not install. The message has one line
 * per problem, each naming the key, its source and what was expected.
 */
public class ConfigException extends Exception {
  private static final long serialVersionUID = 1L;
  private final List<String> problems;

  public ConfigException(List<String> problems) {
    super(String.join(System.lineSeparator(), problems));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}
