package com.example.metrics;

import io.depcache.micrometer.DepCacheMetrics;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/** A Spring Boot application that declares the binder as a bean, as the README says. */
@SpringBootApplication
public class PriceApplication {
  @Bean
  DepCacheMetrics depCacheMetrics() {
    return new DepCacheMetrics();
  }

  @Bean
  Prices prices() {
    return new Prices();
  }
}
