package io.depcache.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import redis.clients.jedis.RedisClient;

/**
 * The Redis that tests share, found once per JVM: {@code REDIS_URL} when set; else a Testcontainers
 * {@code redis:7-alpine} when a Docker engine answers; else a local {@link RedisServer}. Never a
 * silent skip: when none of them works, {@link #url()} throws and the test fails.
 *
 * <p>Tests share its database 0: give every test its own key prefix rather than flushing, unless
 * the test owns the whole server.
 */
public final class TestRedis {
  private static String url;

  private TestRedis() {}

  /**
   * The shared Redis, started on first use.
   *
   * @return a {@code redis://} URL
   */
  public static synchronized String url() {
    if (url == null) {
      url = find();
    }
    return url;
  }

  /**
   * Removes every key of the database that the URL names ({@code FLUSHDB}).
   *
   * @param redisUrl a {@code redis://} URL
   */
  public static void flush(String redisUrl) {
    try (RedisClient client = RedisClient.create(redisUrl)) {
      client.flushDB();
    }
  }

  private static String find() {
    String fromEnvironment = System.getenv("REDIS_URL");
    if (fromEnvironment != null && !fromEnvironment.isBlank()) {
      System.out.println("[TestRedis] using REDIS_URL");
      return fromEnvironment;
    }
    if (dockerAvailable()) {
      try {
        GenericContainer<?> container =
            new GenericContainer<>("redis:7-alpine").withExposedPorts(6379);
        container.start();
        // Testcontainers' Ryuk removes the container when the JVM exits.
        String containerUrl =
            "redis://" + container.getHost() + ":" + container.getMappedPort(6379) + "/0";
        System.out.println("[TestRedis] using a redis:7-alpine container at " + containerUrl);
        return containerUrl;
      } catch (RuntimeException e) {
        System.out.println(
            "[TestRedis] Docker answers but redis:7-alpine did not start (" + e + ")");
      }
    }
    RedisServer server = RedisServer.start();
    System.out.println("[TestRedis] using a local redis-server at " + server.url());
    return server.url();
  }

  private static boolean dockerAvailable() {
    // Without a socket or DOCKER_HOST there is nothing to ask, and asking logs an ERROR line that a
    // green run should not show.
    if (System.getenv("DOCKER_HOST") == null
        && !Files.exists(Path.of("/var/run/docker.sock"))
        && !Files.exists(Path.of(System.getProperty("user.home"), ".docker", "run", "docker.sock"))
        && !Files.isDirectory(Path.of(System.getProperty("user.home"), ".docker", "contexts"))
        && !Files.exists(Path.of(System.getProperty("user.home"), ".testcontainers.properties"))) {
      return false;
    }
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (Throwable e) {
      // Any trouble finding Docker just means: no Docker.
      return false;
    }
  }
}
