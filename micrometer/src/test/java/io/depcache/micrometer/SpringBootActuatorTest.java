package io.depcache.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.metrics.PriceApplication;
import com.example.metrics.Prices;
import io.depcache.agent.AgentMain;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A Spring Boot application that declares {@link DepCacheMetrics} as a bean serves the meters under
 * {@code /actuator/metrics} (Actuator's SimpleMeterRegistry), counted from known traffic.
 */
class SpringBootActuatorTest {
  private AgentMain.Installation installation;
  private ConfigurableApplicationContext context;

  @AfterEach
  void stop() {
    if (context != null) {
      context.close();
    }
    if (installation != null) {
      installation.uninstall();
    }
  }

  @Test
  void theMetersAreUnderActuatorMetrics() throws Exception {
    installation = Agent.install();
    SpringApplication application = new SpringApplication(PriceApplication.class);
    context =
        application.run(
            "--server.port=0",
            "--management.endpoints.web.exposure.include=metrics",
            "--spring.main.banner-mode=off");
    Prices prices = context.getBean(Prices.class);
    prices.price("x");
    prices.price("x");
    prices.price("x");
    prices.price("y");
    int port = Integer.parseInt(context.getEnvironment().getProperty("local.server.port", "-1"));
    HttpClient http = HttpClient.newHttpClient();
    String hits = "/actuator/metrics/cache.gets?tag=cache:default&tag=result:hit";
    long deadline = System.nanoTime() + 10_000_000_000L;
    HttpResponse<String> response;
    do {
      assertThat(System.nanoTime()).as("the meter is served").isLessThan(deadline);
      Thread.sleep(20);
      response =
          http.send(
              HttpRequest.newBuilder(URI.create("http://localhost:" + port + hits)).build(),
              HttpResponse.BodyHandlers.ofString());
    } while (response.statusCode() == 404);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(count(response.body())).isEqualTo(2.0);
    HttpResponse<String> misses =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(
                        "http://localhost:"
                            + port
                            + "/actuator/metrics/depcache.method.gets?tag=result:miss"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(misses.statusCode()).as(misses.body()).isEqualTo(200);
    assertThat(count(misses.body())).isEqualTo(2.0);
    assertThat(misses.body()).contains("com.example.metrics.Prices#price(java.lang.String)");
  }

  private static double count(String body) {
    Matcher m = Pattern.compile("\"statistic\":\"COUNT\",\"value\":([0-9.]+)").matcher(body);
    assertThat(m.find()).as(body).isTrue();
    return Double.parseDouble(m.group(1));
  }
}
