package io.depcache.layouts;

import static org.assertj.core.api.Assertions.assertThat;

import io.depcache.testing.JvmProcess;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Two web applications in one embedded Tomcat 11, each a war with its own copy of the API in {@code
 * WEB-INF/lib} under its own child-first loader; the container has no copy at all. The near cache
 * is on: an entry one application holds near is decoded again for the other, in its own loader.
 */
class WebApplicationsIT {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  static Stream<String> javaHomes() {
    return LayoutSettings.javaHomes().stream();
  }

  @ParameterizedTest
  @MethodSource("javaHomes")
  void eachWebApplicationReachesTheOneAgent(String javaHome) throws Exception {
    String war = LayoutSettings.webapp();
    try (JvmProcess container =
        JvmProcess.start(
            List.of(
                LayoutSettings.java(javaHome),
                "-javaagent:"
                    + LayoutSettings.agentJar()
                    + "="
                    + LayoutSettings.agentOptions()
                    + ",near-cache.enabled=true",
                "-cp",
                LayoutSettings.containerClassPath(),
                "com.example.layout.container.Container",
                "/a=" + war,
                "/b=" + war))) {
      int port = Integer.parseInt(container.ready.trim());
      Scenario.Channel a = command -> get(port, "a", command);
      Scenario.Channel b = command -> get(port, "b", command);
      Scenario.run(a);
      assertThat(a.send("loader")).contains("WebappClassLoader", "context: a");
      assertThat(b.send("loader")).contains("WebappClassLoader", "context: b");
      // b has its own copies of the API and of the service, and shares the entries of a
      assertThat(b.send("active")).isEqualTo("true");
      assertThat(b.send("manager")).isEqualTo("default live");
      assertThat(b.send("user 1")).isEqualTo("Ada runs=0");
      assertThat(b.send("invalidate user:1")).isEqualTo("2");
      assertThat(a.send("user 1")).isEqualTo("Ada runs=6");
      assertThat(b.send("user 1")).isEqualTo("Ada runs=0");
      Scenario.near(a);
      // a's near entry holds a's class of the value: b decodes its own, in its own loader
      assertThat(b.send("user 9")).isEqualTo("user9 runs=0");
      assertThat(b.send("user 9")).isEqualTo("user9 runs=0");
      assertThat(a.send("user 9")).isEqualTo("user9 runs=2");
      // Both applications miss one key at once: each gets a value of its own classes, not the
      // other's computation (its Profile is another class of the same name).
      java.util.concurrent.CompletableFuture<String> fromA =
          java.util.concurrent.CompletableFuture.supplyAsync(
              () -> {
                try {
                  return a.send("slow 5");
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      Thread.sleep(100);
      assertThat(b.send("slow 5")).isEqualTo("slow5");
      assertThat(fromA.get(30, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("slow5");
      assertThat(b.send("slow 5")).isEqualTo("slow5");
      // depcache's threads, made lazily by these applications' requests, hold neither's loader
      assertThat(a.send("held")).isEqualTo("[]");
      assertThat(b.send("held")).isEqualTo("[]");
      assertThat(container.log())
          .contains("depcache agent installed")
          .doesNotContain("could not instrument");
    }
  }

  private static String get(int port, String context, String command) throws Exception {
    URI uri =
        URI.create(
            "http://127.0.0.1:"
                + port
                + "/"
                + context
                + "/cmd?line="
                + URLEncoder.encode(command, StandardCharsets.UTF_8));
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as("GET %s", uri).isEqualTo(200);
    return response.body();
  }
}
