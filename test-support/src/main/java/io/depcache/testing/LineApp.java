package io.depcache.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * The application side of {@link JvmProcess}'s line protocol: prints {@code = ready <pid>}, then
 * answers each line of standard input with one line {@code = <answer>}, until {@code quit}
 * (answered {@code bye}) or the end of the input.
 */
public final class LineApp {
  /** What the application does with one command line, split into words. */
  @FunctionalInterface
  public interface Commands {
    String run(String[] words) throws Exception;
  }

  private LineApp() {}

  /**
   * Serves commands until {@code quit} or the end of standard input.
   *
   * @param commands answers a command; what it throws is answered as {@code failurePrefix} and the
   *     exception, and serving goes on
   * @param failurePrefix the first word of the answer to a command that threw, e.g. {@code error}
   */
  public static void serve(Commands commands, String failurePrefix) throws IOException {
    System.out.println("= ready " + ProcessHandle.current().pid());
    System.out.flush();
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null) {
      String[] words = line.trim().split(" ");
      if (words[0].equals("quit")) {
        System.out.println("= bye");
        System.out.flush();
        return;
      }
      String answer;
      try {
        answer = commands.run(words);
      } catch (Throwable t) {
        answer = failurePrefix + " " + t;
      }
      System.out.println("= " + answer);
      System.out.flush();
    }
  }
}
