package com.example.demo;

import com.example.demo.legacy.TeamDirectory;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.depcache.Stats;
import io.depcache.StatsCollector;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The HTTP side of the demo: a handful of JSON endpoints on the JDK's {@link HttpServer}.
 *
 * <p>Every response carries what the cache did for it: {@code X-Cache} ({@code hit} or {@code miss}
 * of the outermost cached call, {@code none} when no cached call was made), {@code X-Cache-Hits}
 * and {@code X-Cache-Misses} (every lookup, nested ones included), {@code X-Db-Queries} (the slow
 * queries that ran, on whatever thread) and {@code X-Db-Millis} (how long they took, added up: more
 * than the request took when they ran at the same time).
 */
final class DemoServer {
  private static final Pattern USER = Pattern.compile("/users/(\\d+)");
  private static final Pattern POSTS = Pattern.compile("/users/(\\d+)/posts");
  private static final Pattern PROFILE = Pattern.compile("/users/(\\d+)/profile");
  private static final Pattern TEAM = Pattern.compile("/teams/(\\d+)");
  private static final Pattern DASHBOARD = Pattern.compile("/teams/(\\d+)/dashboard");

  private final UserService users;
  private final ProfileService profiles;
  private final TeamService teams;
  private final TeamDirectory directory;
  private final StatsCollector stats;
  private final RequestTrace trace;
  private final HttpServer server;
  private final ExecutorService executor = Executors.newFixedThreadPool(4);

  DemoServer(
      UserService users,
      ProfileService profiles,
      TeamService teams,
      TeamDirectory directory,
      StatsCollector stats,
      RequestTrace trace,
      int port)
      throws IOException {
    this.users = users;
    this.profiles = profiles;
    this.teams = teams;
    this.directory = directory;
    this.stats = stats;
    this.trace = trace;
    this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
    server.createContext("/", this::handle);
    server.setExecutor(executor);
  }

  void start() {
    server.start();
  }

  int port() {
    return server.getAddress().getPort();
  }

  void stop() {
    server.stop(0);
    executor.shutdownNow();
  }

  private void handle(HttpExchange exchange) throws IOException {
    trace.begin();
    SlowRepository.resetQueryCount();
    int status = 200;
    String body;
    try {
      body =
          route(exchange.getRequestMethod(), exchange.getRequestURI().getPath(), query(exchange));
    } catch (NoSuchElementException e) {
      status = 404;
      body = error(e.getMessage());
    } catch (IllegalArgumentException e) {
      status = 400;
      body = error(e.getMessage());
    } catch (RuntimeException e) {
      status = 500;
      body = error(e.toString());
    }
    RequestTrace.Lookups lookups = trace.end();
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.getResponseHeaders().set("X-Cache", lookups.first());
    exchange.getResponseHeaders().set("X-Cache-Hits", Integer.toString(lookups.hits()));
    exchange.getResponseHeaders().set("X-Cache-Misses", Integer.toString(lookups.misses()));
    exchange
        .getResponseHeaders()
        .set("X-Db-Queries", Integer.toString(SlowRepository.queryCount()));
    exchange.getResponseHeaders().set("X-Db-Millis", Long.toString(SlowRepository.queryMillis()));
    byte[] bytes = (body + "\n").getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private String route(String method, String path, Map<String, String> query) {
    Matcher m;
    if (method.equals("GET") && (m = USER.matcher(path)).matches()) {
      return users.user(id(m)).toJson();
    }
    if (method.equals("PUT") && (m = USER.matcher(path)).matches()) {
      return users.rename(id(m), required(query, "name")).toJson();
    }
    if (method.equals("GET") && (m = POSTS.matcher(path)).matches()) {
      return users.posts(id(m)).stream().map(Post::toJson).collect(jsonArray());
    }
    if (method.equals("POST") && (m = POSTS.matcher(path)).matches()) {
      return users.addPost(id(m), required(query, "title")).toJson();
    }
    if (method.equals("GET") && (m = PROFILE.matcher(path)).matches()) {
      return joined(profiles.profile(id(m))).toJson();
    }
    if (method.equals("GET") && (m = TEAM.matcher(path)).matches()) {
      return directory.find(id(m)).toJson();
    }
    if (method.equals("PUT") && (m = TEAM.matcher(path)).matches()) {
      return directory.rename(id(m), required(query, "name")).toJson();
    }
    if (method.equals("GET") && (m = DASHBOARD.matcher(path)).matches()) {
      return teams.dashboard(id(m)).toJson();
    }
    if (method.equals("GET") && path.equals("/stats")) {
      return statsJson(stats.getStats());
    }
    if (method.equals("POST") && path.equals("/stats/reset")) {
      stats.reset();
      return statsJson(stats.getStats());
    }
    if (method.equals("GET") && path.equals("/")) {
      return List.of(
              "GET /users/{id}",
              "PUT /users/{id}?name=...",
              "GET /users/{id}/posts",
              "POST /users/{id}/posts?title=...",
              "GET /users/{id}/profile",
              "GET /teams/{id}",
              "PUT /teams/{id}?name=...",
              "GET /teams/{id}/dashboard",
              "GET /stats",
              "POST /stats/reset")
          .stream()
          .map(Json::quote)
          .collect(jsonArray());
    }
    throw new NoSuchElementException("no endpoint " + method + " " + path);
  }

  private static String statsJson(Stats s) {
    return String.format(
        java.util.Locale.ROOT,
        "{\"hits\":%d,\"misses\":%d,\"sets\":%d,\"invalidations\":%d,\"errors\":%d,"
            + "\"hitRatio\":%.3f}",
        s.hits(),
        s.misses(),
        s.sets(),
        s.invalidations(),
        s.errors(),
        s.hitRatio());
  }

  /** Waits for an asynchronous result; fails as its computation did, not with a wrapper. */
  private static <T> T joined(CompletableFuture<T> future) {
    try {
      return future.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException failure) {
        throw failure;
      }
      throw e;
    }
  }

  private static long id(Matcher matcher) {
    return Long.parseLong(matcher.group(1));
  }

  private static String required(Map<String, String> query, String name) {
    String value = query.get(name);
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("query parameter '" + name + "' is required");
    }
    return value;
  }

  private static Map<String, String> query(HttpExchange exchange) {
    Map<String, String> parameters = new HashMap<>();
    String raw = exchange.getRequestURI().getRawQuery();
    if (raw == null) {
      return parameters;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String name = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      parameters.put(
          URLDecoder.decode(name, StandardCharsets.UTF_8),
          URLDecoder.decode(value, StandardCharsets.UTF_8));
    }
    return parameters;
  }

  private static java.util.stream.Collector<CharSequence, ?, String> jsonArray() {
    return Collectors.joining(",", "[", "]");
  }

  private static String error(String message) {
    return "{\"error\":" + Json.quote(message) + "}";
  }
}
