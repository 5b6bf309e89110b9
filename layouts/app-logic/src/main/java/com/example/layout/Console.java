package com.example.layout;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * Drives {@link Commands} from standard input: prints {@code = ready <pid>}, then {@code =
 * <answer>} for each line, until {@code quit} or the end of the input.
 */
public final class Console {
  private Console() {}

  /** Reads commands until {@code quit}; returns so that the application can shut down. */
  public static void serve() throws IOException {
    Commands commands = new Commands();
    System.out.println("= ready " + ProcessHandle.current().pid());
    System.out.flush();
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null && !line.equals("quit")) {
      System.out.println("= " + commands.run(line));
      System.out.flush();
    }
  }
}
