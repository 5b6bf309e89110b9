package com.example.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The agent's start-up cost on a Spring Boot web application of some 5,000 classes ({@code
 * layouts/boot-app}): the time from the JVM's start to the application's first answer (its console
 * runs after Spring's {@code Started}), with and without {@code -javaagent:}, in alternating runs.
 * Also the CPU time the JVM had used by then, and premain's own time from the agent's log line,
 * which say where the difference goes.
 */
public final class SpringBootStartupProbe {
  private static final Pattern PREMAIN = Pattern.compile("installed \\(premain, (\\d+) ms\\)");
  private static final long RUN_TIMEOUT_SECONDS = 120;

  private SpringBootStartupProbe() {}

  /** One start: wall and CPU milliseconds to ready, and premain's milliseconds (or -1). */
  private record Run(double wallMs, double cpuMs, double premainMs) {}

  public static void main(String[] args) throws Exception {
    if (args.length < 4) {
      System.err.println("usage: SpringBootStartupProbe JAVA AGENT_JAR BOOT_JAR REDIS_URL [runs]");
      System.exit(2);
    }
    String java = args[0];
    String agentJar = args[1];
    String bootJar = args[2];
    String url = args[3];
    int runs = args.length > 4 ? Integer.parseInt(args[4]) : 10;
    List<String> without = List.of(java, "-jar", bootJar, "--server.port=0");
    List<String> with =
        List.of(
            java,
            "-javaagent:" + agentJar,
            "-Ddepcache.redis.url=" + url,
            "-Ddepcache.prefix=bench-startup",
            "-jar",
            bootJar,
            "--server.port=0");
    List<List<Run>> both = StartupProbe.alternate(runs, () -> start(without), () -> start(with));
    List<Run> plain = both.get(0);
    List<Run> agent = both.get(1);
    double plainWall = median(plain, Run::wallMs);
    double agentWall = median(agent, Run::wallMs);
    System.out.println("startup_spring_boot_runs: " + runs);
    System.out.println("startup_spring_boot_without_agent_ms: " + StartupProbe.format(plainWall));
    System.out.println("startup_spring_boot_with_agent_ms: " + StartupProbe.format(agentWall));
    System.out.println(
        "startup_spring_boot_cpu_overhead_ms: "
            + StartupProbe.format(median(agent, Run::cpuMs) - median(plain, Run::cpuMs)));
    System.out.println(
        "startup_spring_boot_premain_ms: " + StartupProbe.format(median(agent, Run::premainMs)));
    System.out.println(
        "startup_overhead_spring_boot_ms: " + StartupProbe.format(agentWall - plainWall));
  }

  private interface Field {
    double of(Run run);
  }

  private static double median(List<Run> runs, Field field) {
    return StartupProbe.median(runs.stream().mapToDouble(field::of).toArray());
  }

  private static Run start(List<String> command) throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().keySet().removeIf(k -> k.startsWith("DEPCACHE_"));
    long start = System.nanoTime();
    Process process = builder.start();
    try {
      BufferedReader out =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      double premain = -1;
      List<String> seen = new ArrayList<>();
      for (String line; (line = out.readLine()) != null; ) {
        Matcher m = PREMAIN.matcher(line);
        if (m.find()) {
          premain = Double.parseDouble(m.group(1));
        }
        if (line.startsWith("= ready")) {
          double wall = (System.nanoTime() - start) / 1e6;
          double cpu =
              process.info().totalCpuDuration().orElse(Duration.ofMillis(-1)).toNanos() / 1e6;
          OutputStream in = process.getOutputStream();
          in.write("quit\n".getBytes(StandardCharsets.UTF_8));
          in.flush();
          out.lines().forEach(l -> {});
          return new Run(wall, cpu, premain);
        }
        seen.add(line);
        if (System.nanoTime() - start > TimeUnit.SECONDS.toNanos(RUN_TIMEOUT_SECONDS)) {
          break;
        }
      }
      throw new IllegalStateException(
          "the application ended without its ready line: "
              + command
              + "\n"
              + String.join("\n", seen));
    } finally {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    }
  }
}
