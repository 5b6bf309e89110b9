package io.depcache.testing;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import redis.clients.jedis.Jedis;

/**
 * A throwaway Redis Cluster for tests: six local {@code redis-server} processes in cluster mode on
 * free ports, joined by {@code redis-cli --cluster create ... --cluster-replicas 1}, so three
 * primaries that share the 16,384 slots and one replica of each. No persistence; every process is
 * killed by {@link #close()} or when the JVM exits.
 *
 * <p>Ready once every node agrees on the slots and lists every replica in {@code CLUSTER SLOTS}
 * (which it does once the replica synced).
 *
 * <p>{@link #reshard} and {@link #failover} change the topology while a test runs, as an operator
 * would: {@code redis-cli --cluster reshard} and {@code CLUSTER FAILOVER} on a replica.
 */
public final class RedisCluster implements AutoCloseable {
  private static final long READY_TIMEOUT_MILLIS = 30_000;

  private final List<Node> nodes = new ArrayList<>();
  private final Path dir;
  private final int replicasPerPrimary;
  private final SecuredRedis secured;
  private final Thread shutdownHook;

  /** One process of the cluster. */
  private record Node(int port, Process process) {}

  private RedisCluster(Path dir, int replicasPerPrimary, SecuredRedis secured) {
    this.dir = dir;
    this.replicasPerPrimary = replicasPerPrimary;
    this.secured = secured;
    this.shutdownHook = new Thread(this::killAll, "redis-cluster-killer");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /**
   * Starts six nodes, creates the cluster and waits until every node reports {@code
   * cluster_state:ok}.
   *
   * @return the running cluster
   * @throws IllegalStateException when redis-server or redis-cli is missing, or the cluster does
   *     not form within 30 s
   */
  public static RedisCluster start() {
    return start(1);
  }

  /**
   * Starts three primaries with {@code replicasPerPrimary} replicas each, as {@link #start()}.
   *
   * @param replicasPerPrimary 0 for a cluster without replicas
   */
  public static RedisCluster start(int replicasPerPrimary) {
    return start(replicasPerPrimary, null);
  }

  /**
   * Starts a cluster as {@link #start()} does, that speaks only TLS (clients, the cluster bus and
   * replication, with {@code certs}' server certificate) and knows one ACL user, {@code user} with
   * {@code password} and every permission, with the {@code default} user off. The nodes announce
   * themselves as {@code localhost}, the name the server certificate has, so that a client verifies
   * the host name of every node it is redirected to.
   */
  public static RedisCluster startSecured(TestCertificates certs, String user, String password) {
    return start(1, SecuredRedis.of(certs, user, password));
  }

  private static RedisCluster start(int replicasPerPrimary, SecuredRedis secured) {
    String server = RedisServer.executable();
    String cli = Path.of(server).resolveSibling("redis-cli").toString();
    if (!Files.isExecutable(Path.of(cli))) {
      throw new IllegalStateException(
          "redis-cli not found next to " + server + ": install the Debian package redis-tools");
    }
    RedisCluster cluster;
    try {
      cluster =
          new RedisCluster(Files.createTempDirectory("redis-cluster"), replicasPerPrimary, secured);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      cluster.launch(server, cli);
      return cluster;
    } catch (RuntimeException e) {
      cluster.close();
      throw e;
    }
  }

  /** What a node's command line adds to be {@link SecuredRedis}. */
  private List<String> securedArgs(int port) {
    if (secured == null) {
      return List.of();
    }
    List<String> args = new ArrayList<>(secured.serverArgs(port));
    args.addAll(
        List.of(
            "--tls-cluster",
            "yes",
            "--cluster-announce-hostname",
            "localhost",
            "--cluster-preferred-endpoint-type",
            "hostname"));
    return args;
  }

  private void launch(String server, String cli) {
    List<Integer> ports = new ArrayList<>();
    while (ports.size() < 3 * (1 + replicasPerPrimary)) {
      int port = freePort();
      if (!ports.contains(port)) {
        ports.add(port);
      }
    }
    for (int port : ports) {
      Path nodeDir = dir.resolve(Integer.toString(port));
      try {
        Files.createDirectories(nodeDir);
        List<String> command =
            new ArrayList<>(
                List.of(
                    server,
                    "--port",
                    Integer.toString(port),
                    "--bind",
                    "127.0.0.1",
                    "--cluster-enabled",
                    "yes",
                    "--cluster-config-file",
                    "nodes.conf",
                    "--cluster-node-timeout",
                    "2000",
                    // A replica takes over however long ago it last heard from its primary (the
                    // default refuses when that looks long, which a test's fresh cluster may).
                    "--cluster-replica-validity-factor",
                    "0",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                    "--dir",
                    nodeDir.toString()));
        command.addAll(securedArgs(port)); // a later --port overrides the first
        Process process =
            new ProcessBuilder(command)
                .directory(nodeDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(nodeDir.resolve("redis.log").toFile())
                .start();
        nodes.add(new Node(port, process));
      } catch (IOException e) {
        throw new IllegalStateException("cannot run " + server + ": " + e.getMessage(), e);
      }
    }
    for (Node node : nodes) {
      awaitAnswer(cli, node.port());
    }
    List<String> create = new ArrayList<>(List.of(cli, "--cluster", "create"));
    for (Node node : nodes) {
      create.add("127.0.0.1:" + node.port());
    }
    create.addAll(
        List.of("--cluster-replicas", Integer.toString(replicasPerPrimary), "--cluster-yes"));
    CommandRun created = run(create);
    if (created.exit() != 0) {
      throw new IllegalStateException("redis-cli --cluster create failed:\n" + created.output());
    }
    awaitReady(cli);
  }

  /**
   * {@code host:port} of every node, comma-separated: the form of depcache.redis.cluster.nodes
   * ({@code localhost} for a secured cluster, else {@code 127.0.0.1}).
   */
  public String nodes() {
    // a secured cluster's certificate names localhost only
    String host = secured == null ? "127.0.0.1" : "localhost";
    return nodes.stream().map(n -> host + ":" + n.port()).collect(Collectors.joining(","));
  }

  /** The ports of every node. */
  public List<Integer> ports() {
    return nodes.stream().map(Node::port).toList();
  }

  /** The ports of the nodes that are primaries now. */
  public List<Integer> primaries() {
    return ports().stream().filter(p -> role(p).equals("master")).toList();
  }

  /** The ports of the nodes that are replicas now. */
  public List<Integer> replicas() {
    return ports().stream().filter(p -> role(p).equals("slave")).toList();
  }

  /**
   * Runs {@code redis-cli} against one node and returns what it printed.
   *
   * @param port the node
   * @param args the command, e.g. {@code CLUSTER}, {@code INFO}
   */
  public String cli(int port, String... args) {
    List<String> command = new ArrayList<>(List.of(cli(), "-p", Integer.toString(port)));
    command.addAll(List.of(args));
    CommandRun run = run(command);
    if (run.exit() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed:\n" + run.output());
    }
    return run.output();
  }

  /**
   * Runs {@code ACL SETUSER user rules...} on every node, replicas included: a cluster does not
   * share its ACL users, so an operator gives each node the same ones (a replica that takes over
   * must know them too).
   *
   * @param user the user, made if it is new
   * @param rules ACL rules as {@code ACL SETUSER} takes them, e.g. {@code reset}, {@code on},
   *     {@code >password}, {@code ~prefix:*}, {@code +get}
   * @throws IllegalStateException when a node refuses them
   */
  public void aclSetUser(String user, List<String> rules) {
    List<String> command = new ArrayList<>(List.of("ACL", "SETUSER", user));
    command.addAll(rules);
    for (int port : ports()) {
      String reply = cli(port, command.toArray(new String[0])).trim();
      if (!reply.equals("OK")) {
        throw new IllegalStateException(
            "ACL SETUSER " + user + " on node " + port + " answered: " + reply);
      }
    }
  }

  /** A node's id in the cluster. */
  public String nodeId(int port) {
    return cli(port, "CLUSTER", "MYID").trim();
  }

  /**
   * Moves slots from one primary to another with {@code redis-cli --cluster reshard}, keys and all,
   * and waits until the cluster agrees again.
   *
   * @param fromPort the primary that gives the slots
   * @param toPort the primary that takes them
   * @param slots how many slots
   */
  public void reshard(int fromPort, int toPort, int slots) {
    CommandRun run =
        run(
            List.of(
                cli(),
                "--cluster",
                "reshard",
                "127.0.0.1:" + fromPort,
                "--cluster-from",
                nodeId(fromPort),
                "--cluster-to",
                nodeId(toPort),
                "--cluster-slots",
                Integer.toString(slots),
                "--cluster-yes",
                "--cluster-pipeline",
                "100"));
    if (run.exit() != 0) {
      throw new IllegalStateException("redis-cli --cluster reshard failed:\n" + run.output());
    }
    awaitReady(cli());
  }

  /**
   * Moves one slot, keys and all, from one primary to another, as {@code redis-cli --cluster
   * reshard} moves many ({@code SETSLOT IMPORTING}/{@code MIGRATING}, {@code MIGRATE} of its keys,
   * {@code SETSLOT NODE} on every primary), and waits until the cluster agrees again. Unsecured
   * clusters only.
   *
   * @param slot the slot
   * @param fromPort the primary that serves it now
   * @param toPort the primary that takes it
   */
  public void moveSlot(int slot, int fromPort, int toPort) {
    if (secured != null) {
      throw new IllegalStateException("moveSlot is for unsecured clusters");
    }
    String from = nodeId(fromPort);
    String to = nodeId(toPort);
    try (Jedis source = new Jedis("127.0.0.1", fromPort);
        Jedis target = new Jedis("127.0.0.1", toPort)) {
      target.clusterSetSlotImporting(slot, from);
      source.clusterSetSlotMigrating(slot, to);
      while (true) {
        List<byte[]> keys = source.clusterGetKeysInSlotBinary(slot, 100);
        if (keys.isEmpty()) {
          break;
        }
        source.migrate(
            "127.0.0.1",
            toPort,
            0,
            5000,
            new redis.clients.jedis.params.MigrateParams().replace(),
            keys.toArray(new byte[0][]));
      }
      target.clusterSetSlotNode(slot, to);
      source.clusterSetSlotNode(slot, to);
    }
    for (int port : primaries()) {
      if (port != fromPort && port != toPort) {
        cli(port, "CLUSTER", "SETSLOT", Integer.toString(slot), "NODE", to);
      }
    }
    awaitReady(cli());
  }

  /**
   * Promotes a replica with {@code CLUSTER FAILOVER} (its primary hands over after the replica
   * caught up: nothing is lost) and waits until it is a primary and the cluster agrees.
   *
   * @param replicaPort a replica now
   */
  public void failover(int replicaPort) {
    cli(replicaPort, "CLUSTER", "FAILOVER");
    awaitPromoted(replicaPort);
  }

  private void awaitPromoted(int replicaPort) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(READY_TIMEOUT_MILLIS);
    while (!role(replicaPort).equals("master")) {
      if (System.nanoTime() - deadline > 0) {
        throw new IllegalStateException(
            "replica " + replicaPort + " was not promoted in 30 s\n" + views());
      }
      sleep(50);
    }
    awaitReady(cli());
  }

  /**
   * Promotes a replica with {@code CLUSTER FAILOVER} while its primary waits for it: the replica is
   * stopped ({@code SIGSTOP}) and its replication link closed ({@code CLIENT KILL TYPE replica}),
   * so for {@code millis} the primary takes writes that no replica acknowledges; then the replica
   * is asked to take over and resumed ({@code SIGCONT}). It reconnects, catches up and takes over,
   * losing nothing; every {@code WAIT} made on the primary in that time is still waiting when the
   * primary turns into a replica, and is cut short ({@code UNBLOCKED}), after the writes it waited
   * for reached the new primary. Waits as {@link #failover} does.
   *
   * @param replicaPort a replica now
   * @param millis how long the primary takes writes before the failover is asked for
   */
  public void failoverWhileWaitsPend(int replicaPort, long millis) {
    List<String> role = cli(replicaPort, "ROLE").lines().map(String::trim).toList();
    if (role.size() < 3 || !role.get(0).equals("slave")) {
      throw new IllegalStateException("node " + replicaPort + " is not a replica: " + role);
    }
    List<Long> replica = List.of(node(replicaPort).process().pid());
    CompletableFuture<String> asked;
    Signals.stop(replica);
    try {
      cli(Integer.parseInt(role.get(2)), "CLIENT", "KILL", "TYPE", "replica");
      sleep(millis);
      // Sent now, read by the replica once it runs again.
      asked =
          CompletableFuture.supplyAsync(
              () -> {
                try (Jedis jedis = jedis(replicaPort, 10_000)) {
                  return jedis.clusterFailover();
                }
              });
      sleep(100);
    } finally {
      Signals.resume(replica);
    }
    try {
      asked.get(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("CLUSTER FAILOVER on " + replicaPort + " failed: " + e, e);
    }
    awaitPromoted(replicaPort);
  }

  /**
   * Kills one node, as a crash would (nothing saved); its replica takes over once the others have
   * not heard from it for the node timeout (2 s). Waits until the cluster serves every slot again.
   *
   * @param port a node, e.g. a primary
   */
  public void kill(int port) {
    Node node = nodes.stream().filter(n -> n.port() == port).findFirst().orElseThrow();
    node.process().destroyForcibly();
    try {
      node.process().waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    nodes.remove(node);
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(READY_TIMEOUT_MILLIS);
    while (true) {
      // Until the others marked it failed (not just suspected, "fail?"), the state still says ok.
      String live = Integer.toString(nodes.get(0).port());
      boolean failed =
          run(List.of(cli(), "-p", live, "CLUSTER", "NODES"))
              .output()
              .lines()
              .anyMatch(line -> line.contains(":" + port + "@") && line.contains(",fail "));
      CommandRun info = run(List.of(cli(), "-p", live, "CLUSTER", "INFO"));
      if (failed
          && info.output().contains("cluster_state:ok")
          && info.output().contains("cluster_slots_ok:16384")) {
        return;
      }
      if (System.nanoTime() - deadline > 0) {
        throw new IllegalStateException(
            "the cluster did not recover within 30 s of a kill\n" + views());
      }
      sleep(100);
    }
  }

  /**
   * Crashes a primary that has taken writes no replica received: its replicas are stopped ({@code
   * SIGSTOP}), its links to them closed ({@code CLIENT KILL TYPE replica}), and for {@code millis}
   * it goes on taking writes that reach no replica (as under a replication lag or a network cut);
   * then it is killed and its replicas resumed. One of them takes over without those writes; waits
   * as {@link #kill} does.
   *
   * @param port a primary now
   * @param millis how long it takes writes that no replica receives
   */
  public void killUnreplicated(int port, long millis) {
    List<Long> replicas = new ArrayList<>();
    String id = nodeId(port);
    for (String line : cli(port, "CLUSTER", "NODES").lines().toList()) {
      String[] fields = line.split(" ");
      if (fields.length > 3 && fields[3].equals(id)) {
        int replicaPort =
            Integer.parseInt(
                fields[1].substring(fields[1].indexOf(':') + 1, fields[1].indexOf('@')));
        nodes.stream()
            .filter(n -> n.port() == replicaPort)
            .forEach(n -> replicas.add(n.process().pid()));
      }
    }
    if (replicas.isEmpty()) {
      throw new IllegalStateException("primary " + port + " has no replica to stop");
    }
    Signals.stop(replicas);
    try {
      cli(port, "CLIENT", "KILL", "TYPE", "replica");
      sleep(millis);
      Node node = node(port);
      node.process().destroyForcibly();
      try {
        node.process().waitFor(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    } finally {
      Signals.resume(replicas);
    }
    kill(port);
  }

  private Node node(int port) {
    return nodes.stream()
        .filter(n -> n.port() == port)
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("no node of this cluster on port " + port));
  }

  private String role(int port) {
    String output = cli(port, "ROLE");
    return output.lines().findFirst().orElse("").trim();
  }

  private void awaitAnswer(String cli, int port) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(READY_TIMEOUT_MILLIS);
    while (true) {
      CommandRun ping = run(List.of(cli, "-p", Integer.toString(port), "PING"));
      if (ping.exit() == 0 && ping.output().contains("PONG")) {
        return;
      }
      if (System.nanoTime() - deadline > 0) {
        throw new IllegalStateException(
            "redis-server on port " + port + " did not answer PING within 30 s:\n" + log(port));
      }
      sleep(20);
    }
  }

  /**
   * Every node says the cluster is ok and every slot is served by a node that agrees. Past 30 s the
   * error says what was last missing, with every node's view of the cluster and the end of its log.
   */
  private void awaitReady(String cli) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(READY_TIMEOUT_MILLIS);
    while (true) {
      String missing = null;
      for (Node node : nodes) {
        CommandRun info = run(List.of(cli, "-p", Integer.toString(node.port()), "CLUSTER", "INFO"));
        if (info.exit() != 0
            || !info.output().contains("cluster_state:ok")
            || !info.output().contains("cluster_slots_ok:16384")) {
          missing = "node " + node.port() + " says:\n" + info.output();
          break;
        }
      }
      if (missing == null) {
        CommandRun check =
            run(List.of(cli, "--cluster", "check", "127.0.0.1:" + nodes.get(0).port()));
        if (check.exit() != 0 || check.output().contains("[WARNING]")) {
          missing = "redis-cli --cluster check says:\n" + check.output();
        } else {
          missing = disagreement();
          if (missing == null) {
            return;
          }
        }
      }
      if (System.nanoTime() - deadline > 0) {
        throw new IllegalStateException(
            "the cluster was not ready within 30 s; last, " + missing + "\n" + views());
      }
      sleep(100);
    }
  }

  /** Every node's {@code CLUSTER NODES} and the last lines of its log, for an error message. */
  private String views() {
    StringBuilder views = new StringBuilder();
    for (Node node : nodes) {
      CommandRun seen =
          run(List.of(cli(), "-p", Integer.toString(node.port()), "CLUSTER", "NODES"));
      List<String> log = log(node.port()).lines().toList();
      views
          .append("--- node ")
          .append(node.port())
          .append(", CLUSTER NODES:\n")
          .append(seen.output())
          .append("--- its log, last lines:\n")
          .append(String.join("\n", log.subList(Math.max(0, log.size() - 40), log.size())))
          .append('\n');
    }
    return views.toString();
  }

  /**
   * Every node, replicas included, answers {@code CLUSTER SLOTS} with the same owner for every
   * slot, and lists every replica. A replica learns of a slot that moved to its primary only from
   * the cluster's gossip, some moments after the primaries; one asked to take over before then
   * claims only the slots it knew of, and the one it missed stays unserved for good (its own view
   * lacks it, the others' view names it). A replica is listed once it synced with its primary
   * (until then it could not take over with its data), and a store that waits for replicas'
   * acknowledgements counts the ones listed.
   *
   * @return null when every node agrees and lists every replica, else what one does not
   */
  private String disagreement() {
    List<Integer> replicas = replicas();
    Map<Long, String> first = null;
    int firstPort = 0;
    for (Node node : nodes) {
      Map<Long, String> owners = new TreeMap<>();
      Map<String, Integer> listed = new HashMap<>();
      try (Jedis jedis = jedis(node.port(), 2_000)) {
        for (Object range : jedis.clusterSlots()) {
          List<?> served = (List<?>) range;
          List<?> primary = (List<?>) served.get(2);
          String owner = new String((byte[]) primary.get(0), UTF_8) + ":" + primary.get(1);
          owners.put((Long) served.get(0), served.get(1) + " " + owner);
          listed.put(owner, served.size() - 3);
        }
      } catch (RuntimeException e) {
        return "node " + node.port() + " did not answer CLUSTER SLOTS: " + e;
      }
      if (listed.values().stream().mapToInt(Integer::intValue).sum() != replicas.size()) {
        return "node "
            + node.port()
            + " lists replicas per primary "
            + listed
            + " of the replicas "
            + replicas;
      }
      if (first == null) {
        first = owners;
        firstPort = node.port();
      } else if (!first.equals(owners)) {
        return "nodes "
            + firstPort
            + " and "
            + node.port()
            + " disagree on the slots' owners: "
            + first
            + " against "
            + owners;
      }
    }
    return null;
  }

  @Override
  public void close() {
    killAll();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // The JVM is shutting down: the hook runs anyway.
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // A leftover temporary directory is harmless.
    }
  }

  private void killAll() {
    for (Node node : nodes) {
      node.process().destroy();
    }
    for (Node node : nodes) {
      try {
        if (!node.process().waitFor(5, TimeUnit.SECONDS)) {
          node.process().destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        node.process().destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }

  private String cli() {
    return Path.of(RedisServer.executable()).resolveSibling("redis-cli").toString();
  }

  private String log(int port) {
    try {
      return Files.readString(dir.resolve(Integer.toString(port)).resolve("redis.log"));
    } catch (IOException e) {
      return "(no output: " + e.getMessage() + ")";
    }
  }

  /** A connection to one node, over TLS and as the ACL user for a {@link SecuredRedis} cluster. */
  private Jedis jedis(int port, int timeoutMillis) {
    if (secured == null) {
      return new Jedis("127.0.0.1", port, timeoutMillis);
    }
    return secured.jedis(port, timeoutMillis);
  }

  /** Runs a command; {@code redis-cli} with what it needs for a {@link SecuredRedis} cluster. */
  private CommandRun run(List<String> command) {
    if (secured != null) {
      List<String> flags = new ArrayList<>(List.of(command.get(0)));
      flags.addAll(secured.cliFlags());
      flags.addAll(command.subList(1, command.size()));
      command = flags;
    }
    try {
      return CommandRun.of(command);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + command.get(0), e);
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      socket.setReuseAddress(true);
      int port = socket.getLocalPort();
      // The cluster bus listens on port + 10000: that one must be free too.
      if (port + 10_000 > 65_535) {
        return freePort();
      }
      try (ServerSocket bus = new ServerSocket(port + 10_000)) {
        return port;
      }
    } catch (IOException e) {
      return freePort();
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
