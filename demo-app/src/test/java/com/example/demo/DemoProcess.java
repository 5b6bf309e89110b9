package com.example.demo;

import io.depcache.testing.JvmProcess;
import io.depcache.testing.ProcessOutput;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The demo service in its own JVM, as {@code scripts/demo.sh} starts it, driven over HTTP. */
final class DemoProcess implements AutoCloseable {
  private static final Pattern LISTENING =
      Pattern.compile("listening on (http://127\\.0\\.0\\.1:\\d+)");

  private final Process process;
  private final ProcessOutput output;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;

  /** What one request answered. */
  record Answer(int status, String cache, int hits, int misses, int queries, String body) {}

  private DemoProcess(Process process) throws Exception {
    this.process = process;
    CompletableFuture<String> listening = new CompletableFuture<>();
    this.output =
        ProcessOutput.follow(
            process,
            "demo-output",
            line -> {
              Matcher m = LISTENING.matcher(line);
              if (m.find()) {
                listening.complete(m.group(1));
              }
            },
            () -> listening.completeExceptionally(new IllegalStateException("the demo exited")));
    try {
      this.base = listening.get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      process.destroyForcibly();
      throw new AssertionError("the demo did not start: " + e + "\n" + output.log(), e);
    }
  }

  /**
   * Starts the demo service.
   *
   * @param jvmArguments e.g. {@code -javaagent:...}, {@code -Ddepcache.redis.url=...}
   */
  static DemoProcess start(List<String> jvmArguments) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmArguments);
    command.add("-cp");
    command.add(existing("demo.it.appClasses") + File.pathSeparator + existing("demo.it.apiJar"));
    command.add("com.example.demo.DemoApp");
    command.add("--port=0");
    command.add("--clear-cache");
    // The test decides the configuration, not the environment it happens to run in.
    return new DemoProcess(JvmProcess.builder(command).start());
  }

  /** The packaged agent jar. */
  static String agentJar() {
    return existing("demo.it.agentJar");
  }

  /** The demo's properties file, {@code demo-app/depcache.properties}. */
  static String configFile() {
    return existing("demo.it.config");
  }

  Answer get(String path) throws Exception {
    return send("GET", path);
  }

  Answer send(String method, String path) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(base + path))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .timeout(Duration.ofSeconds(30))
            .build();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    return new Answer(
        response.statusCode(),
        response.headers().firstValue("X-Cache").orElse("(absent)"),
        number(response, "X-Cache-Hits"),
        number(response, "X-Cache-Misses"),
        number(response, "X-Db-Queries"),
        response.body());
  }

  String log() {
    return output.log();
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    }
  }

  private static int number(HttpResponse<?> response, String header) {
    return Integer.parseInt(response.headers().firstValue(header).orElse("-1"));
  }

  private static String existing(String property) {
    String value = System.getProperty(property);
    if (value == null || !Files.exists(Path.of(value))) {
      throw new AssertionError(
          "system property " + property + " = " + value + " names no file; run through mvn verify");
    }
    return value;
  }
}
