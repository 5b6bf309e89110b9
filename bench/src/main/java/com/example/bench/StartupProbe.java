package com.example.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the agent adds to start-up: the demo service's time from process start to its first HTTP
 * response, with and without {@code -javaagent}, median of several runs each.
 *
 * <p>Arguments: {@code JAVA AGENT_JAR DEMO_CLASSPATH REDIS_URL [runs]}. The runs alternate between
 * the two (which goes first alternates too), after one unmeasured run of each that warms the disk
 * cache. A run ends at the first answer of {@code GET /stats}, which involves no cached call.
 */
public final class StartupProbe {
  private static final Pattern LISTENING =
      Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)");
  private static final long RUN_TIMEOUT_SECONDS = 60;

  private StartupProbe() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 4) {
      System.err.println("usage: StartupProbe JAVA AGENT_JAR DEMO_CLASSPATH REDIS_URL [runs]");
      System.exit(2);
    }
    String java = args[0];
    String agentJar = args[1];
    String classpath = args[2];
    String url = args[3];
    int runs = args.length > 4 ? Integer.parseInt(args[4]) : 10;
    List<String> without = List.of(java, "-cp", classpath, "com.example.demo.DemoApp", "--port=0");
    List<String> with =
        List.of(
            java,
            "-javaagent:" + agentJar,
            "-Ddepcache.redis.url=" + url,
            "-Ddepcache.prefix=bench-startup",
            "-cp",
            classpath,
            "com.example.demo.DemoApp",
            "--port=0");
    List<List<Double>> both = alternate(runs, () -> time(without), () -> time(with));
    double plainMedian = median(both.get(0).stream().mapToDouble(Double::doubleValue).toArray());
    double agentMedian = median(both.get(1).stream().mapToDouble(Double::doubleValue).toArray());
    System.out.println("startup_runs: " + runs);
    System.out.println("startup_without_agent_ms: " + format(plainMedian));
    System.out.println("startup_with_agent_ms: " + format(agentMedian));
    System.out.println("startup_overhead_ms: " + format(agentMedian - plainMedian));
  }

  /** One measured start of an application. */
  interface Start<T> {
    T run() throws Exception;
  }

  /**
   * Runs one unmeasured start of each, then {@code runs} of each, alternating which goes first, so
   * that a slow spell of the machine falls on both alike.
   *
   * @return the measures without the agent, then those with it
   */
  static <T> List<List<T>> alternate(int runs, Start<T> without, Start<T> with) throws Exception {
    without.run();
    with.run();
    List<T> plain = new ArrayList<>();
    List<T> agent = new ArrayList<>();
    for (int i = 0; i < runs; i++) {
      if (i % 2 == 0) {
        plain.add(without.run());
        agent.add(with.run());
      } else {
        agent.add(with.run());
        plain.add(without.run());
      }
    }
    return List.of(plain, agent);
  }

  /** Starts the demo, waits for its first HTTP answer, stops it; returns milliseconds. */
  private static double time(List<String> command) throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    long start = System.nanoTime();
    Process process = builder.start();
    try {
      int port = awaitPort(process, command);
      while (true) {
        if (answers(port)) {
          return (System.nanoTime() - start) / 1e6;
        }
        if (System.nanoTime() - start > TimeUnit.SECONDS.toNanos(RUN_TIMEOUT_SECONDS)) {
          throw new IllegalStateException("no HTTP answer in time from " + command);
        }
        Thread.sleep(1);
      }
    } finally {
      process.destroy();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    }
  }

  private static int awaitPort(Process process, List<String> command) throws IOException {
    // The output is read on this thread: the demo prints a few lines, then the one with its port.
    BufferedReader out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    List<String> seen = new ArrayList<>();
    for (String line; (line = out.readLine()) != null; ) {
      Matcher m = LISTENING.matcher(line);
      if (m.find()) {
        // Drain the rest of the output so that the demo never blocks on a full pipe.
        Thread drain = new Thread(() -> out.lines().forEach(l -> {}), "startup-probe-drain");
        drain.setDaemon(true);
        drain.start();
        return Integer.parseInt(m.group(1));
      }
      seen.add(line);
    }
    throw new IllegalStateException(
        "the demo ended without printing its port: " + command + "\n" + String.join("\n", seen));
  }

  private static boolean answers(int port) {
    try {
      HttpURLConnection connection =
          (HttpURLConnection) new URL("http://127.0.0.1:" + port + "/stats").openConnection();
      connection.setConnectTimeout(1000);
      connection.setReadTimeout(5000);
      int status = connection.getResponseCode();
      connection.getInputStream().readAllBytes();
      connection.disconnect();
      return status == 200;
    } catch (IOException e) {
      return false;
    }
  }

  static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  static String format(double millis) {
    return String.format(Locale.ROOT, "%.1f", millis);
  }
}
