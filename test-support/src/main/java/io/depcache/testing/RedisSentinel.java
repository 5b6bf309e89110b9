package io.depcache.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * A throwaway Redis Sentinel deployment for tests: a primary, a replica of it and three sentinels
 * that monitor it (quorum 2, down after 1 s), each a local {@link RedisProcess}. Ready once the
 * replica is in sync and every sentinel knows the replica; every process is killed by {@link
 * #close()} (or when the JVM exits).
 *
 * <p>{@link #startSecured} secures every process as {@link SecuredRedis} says: the primary, the
 * replica and the sentinels speak only TLS, to clients and to each other, and know only the ACL
 * user; the sentinels log in as it to the servers and to each other. Every process then names
 * itself {@code localhost} (the name of the server certificate), so that a client verifies the host
 * name of the primary a sentinel names, before and after a failover.
 */
public final class RedisSentinel implements AutoCloseable {
  private static final long READY_MILLIS = 20_000;

  private final String master;
  private final SecuredRedis secured;
  private final boolean sentinelLogin;
  private final List<RedisProcess> servers = new ArrayList<>();
  private final List<RedisProcess> sentinels = new ArrayList<>();

  private RedisSentinel(String master, SecuredRedis secured, boolean sentinelLogin) {
    this.master = master;
    this.secured = secured;
    this.sentinelLogin = sentinelLogin;
  }

  /** Starts a plain deployment (no TLS, no password) whose sentinels monitor {@code master}. */
  public static RedisSentinel start(String master) {
    return start(master, null, false);
  }

  /** Starts a deployment as {@link #start} does, secured as {@code secured} says. */
  public static RedisSentinel startSecured(String master, SecuredRedis secured) {
    return start(master, secured, true);
  }

  /**
   * Starts a deployment as {@link #startSecured} does, but whose sentinels want no login of their
   * own ({@code default} on, no password, no ACL user): they still speak only TLS and log in as the
   * ACL user to the servers.
   */
  public static RedisSentinel startSecuredWithOpenSentinels(String master, SecuredRedis secured) {
    return start(master, secured, false);
  }

  private static RedisSentinel start(String master, SecuredRedis secured, boolean sentinelLogin) {
    RedisSentinel deployment = new RedisSentinel(master, secured, sentinelLogin);
    try {
      deployment.launch();
      return deployment;
    } catch (RuntimeException | InterruptedException e) {
      deployment.close();
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
    }
  }

  private void launch() throws InterruptedException {
    RedisProcess primary =
        RedisProcess.start((port, dir) -> server(port, null), RedisProcess.SERVER_READY);
    servers.add(primary);
    RedisProcess replica =
        RedisProcess.start((port, dir) -> server(port, primary.port()), RedisProcess.SERVER_READY);
    servers.add(replica);
    await(
        "the replica is in sync",
        () -> replication(replica.port()).contains("master_link_status:up"));
    for (int i = 0; i < 3; i++) {
      sentinels.add(
          RedisProcess.start(
              (port, dir) -> sentinel(port, dir, primary.port()), RedisProcess.SENTINEL_READY));
    }
    for (RedisProcess sentinel : sentinels) {
      await(
          "each sentinel knows the replica",
          () -> {
            try (Jedis s = jedis(sentinel.port())) {
              return s.sentinelReplicas(master).size() == 1;
            }
          });
    }
  }

  private List<String> server(int port, Integer primaryPort) {
    List<String> arguments =
        new ArrayList<>(
            List.of(
                "--port", Integer.toString(port),
                "--bind", "127.0.0.1",
                "--save", "",
                "--appendonly", "no"));
    if (secured != null) {
      arguments.addAll(secured.serverArgs(port));
      // what the primary tells the sentinels about its replica: the certificate's name
      arguments.addAll(List.of("--replica-announce-ip", "localhost"));
    }
    if (primaryPort != null) {
      arguments.addAll(List.of("--replicaof", host(), Integer.toString(primaryPort)));
    }
    return arguments;
  }

  private List<String> sentinel(int port, Path dir, int primaryPort) {
    List<String> lines = new ArrayList<>();
    if (secured != null) {
      lines.addAll(secured.sentinelLines(port, sentinelLogin));
      lines.addAll(
          List.of(
              "sentinel resolve-hostnames yes",
              "sentinel announce-hostnames yes",
              "sentinel announce-ip localhost"));
    } else {
      lines.add("port " + port);
    }
    lines.addAll(
        List.of(
            "bind 127.0.0.1",
            "sentinel monitor " + master + " " + host() + " " + primaryPort + " 2",
            "sentinel down-after-milliseconds " + master + " 1000",
            "sentinel failover-timeout " + master + " 10000"));
    if (secured != null) {
      lines.addAll(secured.sentinelMasterLines(master));
    }
    Path conf = dir.resolve("sentinel.conf");
    try {
      Files.writeString(conf, String.join("\n", lines) + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return List.of(conf.toString(), "--sentinel");
  }

  /** The host every process is reached at: {@code localhost} when secured, else 127.0.0.1. */
  public String host() {
    return secured == null ? "127.0.0.1" : "localhost";
  }

  /** The master name the sentinels monitor. */
  public String master() {
    return master;
  }

  /** The server that was started as the primary. */
  public RedisProcess primary() {
    return servers.get(0);
  }

  /** The server that was started as the replica (the primary after a failover). */
  public RedisProcess replica() {
    return servers.get(1);
  }

  /** The sentinels. */
  public List<RedisProcess> sentinels() {
    return List.copyOf(sentinels);
  }

  /** {@code host:port} of every sentinel, comma-separated: depcache.redis.sentinel.nodes. */
  public String nodes() {
    return sentinels.stream().map(s -> host() + ":" + s.port()).collect(Collectors.joining(","));
  }

  /** A connection to a process of the deployment, secured as the deployment is. */
  public Jedis jedis(int port) {
    if (secured == null) {
      return new Jedis("127.0.0.1", port, 2000);
    }
    boolean sentinel = sentinels.stream().anyMatch(s -> s.port() == port);
    return sentinel && !sentinelLogin ? secured.tlsOnly(port, 2000) : secured.jedis(port, 2000);
  }

  /** The replication section of a server's INFO, or "" when it does not answer. */
  public String replication(int port) {
    try (Jedis jedis = jedis(port)) {
      return jedis.info("replication");
    } catch (RuntimeException e) {
      return "";
    }
  }

  /**
   * {@code SENTINEL FAILOVER} on the first sentinel; a sentinel that has not yet seen the replica
   * answer (its INFO every 10 s at first, then every second) says NOGOODSLAVE: asked again, for up
   * to 20 s, until it knows one to promote.
   *
   * @return the sentinel's answer, {@code OK}
   */
  public String failover() throws InterruptedException {
    try (Jedis sentinel = jedis(sentinels.get(0).port())) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (true) {
        try {
          return sentinel.sentinelFailover(master);
        } catch (JedisDataException e) {
          if (!String.valueOf(e.getMessage()).startsWith("NOGOODSLAVE")
              || System.nanoTime() > deadline) {
            throw e;
          }
          Thread.sleep(200);
        }
      }
    }
  }

  @Override
  public void close() {
    for (RedisProcess p : sentinels) {
      p.close();
    }
    for (RedisProcess p : servers) {
      p.close();
    }
  }

  private void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(READY_MILLIS);
    while (!safely(condition)) {
      if (System.nanoTime() - deadline > 0) {
        throw new IllegalStateException(
            "Redis Sentinel deployment not ready within 20 s: waiting until " + what + logs());
      }
      Thread.sleep(50);
    }
  }

  private String logs() {
    StringBuilder out = new StringBuilder();
    for (RedisProcess p : servers) {
      out.append("\n--- server ").append(p.port()).append(":\n").append(p.log());
    }
    for (RedisProcess p : sentinels) {
      out.append("\n--- sentinel ").append(p.port()).append(":\n").append(p.log());
    }
    return out.toString();
  }

  private static boolean safely(BooleanSupplier condition) {
    try {
      return condition.getAsBoolean();
    } catch (RuntimeException e) {
      return false;
    }
  }
}
