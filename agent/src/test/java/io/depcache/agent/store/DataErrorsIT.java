package io.depcache.agent.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.depcache.testing.RedisServer;
import java.net.ServerSocket;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.RedisClient;

/**
 * A Redis that answers with an error is not down: the circuit opens for outages only, a command
 * error fails that call alone, and a Redis that refuses writes keeps serving reads. On a server of
 * its own, since the tests change its memory limit and its role.
 */
class DataErrorsIT {
  private static RedisServer server;
  private RedisClient admin;
  private ResilientStore store;
  private final String ns = KeyLayout.namespace("errors", "m");

  @BeforeAll
  static void startServer() {
    server = RedisServer.start();
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  @BeforeEach
  void connect() {
    admin = RedisClient.create(server.url());
    admin.flushAll();
    store = new ResilientStore(RedisStore.connect(server.url(), 2_000), "errors:");
  }

  @AfterEach
  void close() {
    admin.configSet("maxmemory", "0");
    admin.sendCommand(Protocol.Command.REPLICAOF, "NO", "ONE");
    store.close();
    admin.close();
  }

  private String entry(String key) {
    return KeyLayout.entryKey(ns, key);
  }

  private String dep(String dependency) {
    return KeyLayout.dependencyKey(ns, dependency);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(UTF_8);
  }

  @Test
  void aCommandErrorFailsThatCallAloneAndOpensNoCircuit() {
    store.put(entry("a"), bytes("one"), 60_000, List.of(dep("d")));
    admin.set(dep("broken"), "a string where a set belongs");

    StoreException e =
        catchThrowableOfType(
            StoreException.class,
            () -> store.put(entry("b"), bytes("two"), 60_000, List.of(dep("broken"))));

    assertThat(e.kind()).isEqualTo(StoreException.Kind.COMMAND);
    assertThat(store.isCircuitOpen()).isFalse();
    assertThat(store.get(entry("a"))).isEqualTo(bytes("one"));
    store.put(entry("c"), bytes("three"), 60_000, List.of(dep("d")));
    assertThat(store.get(entry("c"))).isEqualTo(bytes("three"));
  }

  @Test
  void aStoreOutOfMemoryServesReadsWhileWritesPause() {
    // The pause is timed by a clock that stands still until the test moves it: on a loaded machine
    // the hundred reads below may take longer than the real pause.
    AtomicLong clock = new AtomicLong();
    store.close();
    store =
        new ResilientStore(
            RedisStore.connect(server.url(), 2_000),
            "errors:",
            100,
            250,
            100_000,
            clock::get,
            null);
    store.put(entry("hot"), bytes("value"), 0, List.of(dep("d")));
    runOutOfMemory();

    StoreException refused =
        catchThrowableOfType(
            StoreException.class,
            () -> store.put(entry("new"), bytes("x".repeat(10_000)), 60_000, List.of(dep("d"))));

    assertThat(refused.kind()).isEqualTo(StoreException.Kind.WRITES_REFUSED);
    assertThat(store.isCircuitOpen()).isFalse();
    for (int i = 0; i < 100; i++) {
      assertThat(store.lookup(entry("hot")).value()).isEqualTo(bytes("value"));
    }
    // The next write does not reach the store while writes pause.
    assertThatThrownBy(() -> store.put(entry("new"), bytes("x"), 60_000, List.of()))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("skipped: the store refuses writes");
    // Past the pause the next write is tried again, and Redis refuses it again.
    clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(101));
    assertThatThrownBy(() -> store.put(entry("new"), bytes("x"), 60_000, List.of()))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("OOM");
  }

  @Test
  void anInvalidationThatFailsStopsReadsUntilItIsApplied() throws Exception {
    store.put(entry("hot"), bytes("value"), 0, List.of(dep("d")));
    runOutOfMemory();

    assertThatThrownBy(() -> store.invalidate(List.of(dep("d"))))
        .isInstanceOf(StoreException.class);

    // What the invalidation should have removed must not be read in between.
    assertThat(store.isCircuitOpen()).isTrue();
    assertThatThrownBy(() -> store.lookup(entry("hot"))).isInstanceOf(StoreException.class);
    admin.configSet("maxmemory", "0");
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (store.pendingInvalidations() > 0 || store.isCircuitOpen()) {
      assertThat(System.nanoTime()).as("the retried invalidation").isLessThan(deadline);
      Thread.sleep(10);
    }
    assertThat(store.lookup(entry("hot")).value()).isNull();
  }

  @Test
  void aReadOnlyReplicaServesReadsWhileWritesPause() throws Exception {
    store.put(entry("hot"), bytes("value"), 0, List.of(dep("d")));
    int nobody;
    try (ServerSocket socket = new ServerSocket(0)) {
      nobody = socket.getLocalPort();
    }
    // a replica of a master that is not there
    admin.sendCommand(Protocol.Command.REPLICAOF, "127.0.0.1", Integer.toString(nobody));

    StoreException refused =
        catchThrowableOfType(
            StoreException.class,
            () -> store.put(entry("new"), bytes("x"), 60_000, List.of(dep("d"))));

    assertThat(refused.kind()).isEqualTo(StoreException.Kind.WRITES_REFUSED);
    assertThat(refused).hasMessageContaining("READONLY");
    assertThat(store.isCircuitOpen()).isFalse();
    assertThat(store.lookup(entry("hot")).value()).isEqualTo(bytes("value"));
  }

  /** Sets a memory limit below what the server uses, without eviction: every write is refused. */
  private void runOutOfMemory() {
    admin.configSet("maxmemory-policy", "noeviction");
    admin.configSet("maxmemory", "1");
    assertThatThrownBy(() -> admin.set("filler", "f")).hasMessageContaining("OOM");
  }
}
