package com.example.layout.boot;

import com.example.layout.Commands;
import com.example.layout.Console;
import org.springframework.boot.CommandLineRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * A Spring Boot web application as users ship it. Standard input drives the shared commands once
 * the application has started; {@code GET /cmd?line=...} answers the same commands over HTTP.
 */
@SpringBootApplication
@RestController
public class BootApp {
  private final Commands commands = new Commands();

  public static void main(String[] args) {
    SpringApplication.run(BootApp.class, args);
  }

  @GetMapping("/cmd")
  public String command(@RequestParam String line) {
    return commands.run(line);
  }

  @Bean
  CommandLineRunner console() {
    return args -> {
      Console.serve();
      System.exit(0);
    };
  }
}
