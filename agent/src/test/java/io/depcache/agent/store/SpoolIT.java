package io.depcache.agent.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.depcache.testing.RedisServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.RedisClient;

/**
 * Invalidations made while Redis is away outlive the JVM that made them: the next agent of the same
 * store adopts them from the spool and applies them before it serves a hit.
 */
class SpoolIT {
  private static final String NS = KeyLayout.namespace("spool", "m");
  private static final String IDENTITY = "redis://127.0.0.1/0 spool";

  @TempDir Path dir;
  private RedisServer server;

  @BeforeEach
  void startServer() {
    server = RedisServer.start();
  }

  @AfterEach
  void stopServer() {
    server.close();
  }

  private ResilientStore open() {
    return new ResilientStore(RedisStore.connect(server.url(), 300), "spool:", dir, IDENTITY);
  }

  private static String entry(String key) {
    return KeyLayout.entryKey(NS, key);
  }

  private static String dep(String dependency) {
    return KeyLayout.dependencyKey(NS, dependency);
  }

  private List<Path> spoolFiles() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.toList();
    }
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(deadline);
      Thread.sleep(10);
    }
  }

  @Test
  void aWaitingInvalidationIsAppliedWithin500MsOfRedisAnswering() throws Exception {
    ResilientStore store = open();
    store.put(entry("k"), "old".getBytes(UTF_8), 0, List.of(dep("d")));
    try (RedisClient admin = RedisClient.create(server.url())) {
      admin.sendCommand(Protocol.Command.SAVE); // the entry outlives the restart below
    }
    server.stop();
    assertThatThrownBy(() -> store.invalidate(List.of(dep("d"))))
        .isInstanceOf(StoreException.class);
    Thread.sleep(1_500); // the probes' back-off at its longest

    server.restart(); // returns once Redis answers
    long answered = System.nanoTime();
    await("the invalidation", () -> store.pendingInvalidations() == 0);
    long millis = (System.nanoTime() - answered) / 1_000_000;

    System.out.printf(
        "[spool] the waiting invalidation was applied %d ms after Redis answered%n", millis);
    assertThat(millis).as("ms until the invalidation was applied").isLessThan(500);
    assertThat(store.get(entry("k"))).isNull();
    store.close();
  }

  @Test
  void anInvalidationMadeDuringAnOutageIsAppliedByTheNextAgent() throws Exception {
    ResilientStore first = open();
    first.put(entry("k"), "old".getBytes(UTF_8), 0, List.of(dep("d")));
    try (RedisClient admin = RedisClient.create(server.url())) {
      admin.sendCommand(Protocol.Command.SAVE); // the entry outlives the restart below
    }

    server.stop();
    assertThatThrownBy(() -> first.invalidate(List.of(dep("d"))))
        .isInstanceOf(StoreException.class);
    assertThat(first.pendingInvalidations()).isEqualTo(1);
    first.close(); // the JVM stops before Redis is back
    assertThat(spoolFiles()).hasSize(1);

    server.restart();
    ResilientStore next = open();
    // It serves no hit before the adopted invalidation is applied ...
    await("the adopted invalidation", () -> next.pendingInvalidations() == 0);
    await("the circuit to close", () -> !next.isCircuitOpen());
    // ... and that removed the entry.
    assertThat(next.get(entry("k"))).isNull();
    assertThat(spoolFiles()).as("only the new agent's own, empty file").hasSize(1);
    next.close();
    assertThat(spoolFiles()).isEmpty();
  }

  @Test
  void theNextAgentServesNoHitWhileAnAdoptedInvalidationWaits() throws Exception {
    ResilientStore first = open();
    server.stop();
    assertThatThrownBy(() -> first.invalidate(List.of(dep("d"))))
        .isInstanceOf(StoreException.class);
    first.close();

    ResilientStore next = open(); // Redis still away
    assertThatThrownBy(() -> next.lookup(entry("k"))).isInstanceOf(StoreException.class);
    assertThat(next.pendingInvalidations()).isEqualTo(1);
    next.close();
    assertThat(spoolFiles()).as("still waiting, for the agent after").hasSize(2);
  }

  @Test
  void anEmptySpoolOfAStoppedJvmIsRemoved() throws Exception {
    ResilientStore first = open();
    Path own = spoolFiles().get(0);
    // what a JVM killed with nothing waiting leaves: an empty file that nobody holds
    Path orphan = own.resolveSibling(own.getFileName().toString().replaceFirst("-.*", "-x.spool"));
    Files.copy(own, orphan);
    first.close();

    ResilientStore next = open();
    assertThat(spoolFiles()).doesNotContain(orphan).hasSize(1);
    next.close();
  }

  @Test
  void emptySpoolsOfOtherStoresLeftByStoppedJvmsAreRemovedOnceOld() throws Exception {
    Path old = Files.createFile(dir.resolve("0123456789abcdef-gone.spool"));
    Files.setLastModifiedTime(old, FileTime.fromMillis(System.currentTimeMillis() - 120_000));
    Path young = Files.createFile(dir.resolve("0123456789abcdef-starting.spool"));

    ResilientStore store = open();

    assertThat(spoolFiles()).doesNotContain(old).contains(young);
    store.close();
  }

  @Test
  void aSpoolOfALiveAgentIsNotAdopted() {
    ResilientStore first = open();
    server.stop();
    assertThatThrownBy(() -> first.invalidate(List.of(dep("d"))))
        .isInstanceOf(StoreException.class);

    ResilientStore other = open(); // a second JVM of the same store, while the first still runs
    assertThat(other.pendingInvalidations()).isZero();
    other.close();
    first.close();
  }

  @Test
  void whatIsAppliedBeforeTheJvmStopsLeavesNoSpool() throws Exception {
    ResilientStore store = open();
    server.stop();
    assertThatThrownBy(() -> store.invalidate(List.of(dep("d"))))
        .isInstanceOf(StoreException.class);
    server.restart();

    store.close(); // the best-effort flush at shutdown applies it

    assertThat(spoolFiles()).isEmpty();
  }

  @Test
  void aRecordCutShortByACrashIsIgnored() throws Exception {
    ResilientStore first = open();
    server.stop();
    assertThatThrownBy(() -> first.invalidate(List.of(dep("a"))))
        .isInstanceOf(StoreException.class);
    first.close();
    Path file = spoolFiles().get(0);
    byte[] whole = Files.readAllBytes(file);
    // a second record, of one key of 100 bytes, whose write was cut short after 3 of them
    byte[] tail = {'I', 0, 0, 0, 1, 0, 0, 0, 100, 'a', 'b', 'c'};
    byte[] cut = new byte[whole.length + tail.length];
    System.arraycopy(whole, 0, cut, 0, whole.length);
    System.arraycopy(tail, 0, cut, whole.length, tail.length);
    Files.write(file, cut);

    ResilientStore next = open();
    assertThat(next.pendingInvalidations()).isEqualTo(1);
    next.close();
  }

  @Test
  void aDirectoryThatCannotBeWrittenIsAWarningNotAFailure() throws Exception {
    Path notADirectory = Files.writeString(dir.resolve("file"), "x");
    try (ResilientStore store =
        new ResilientStore(
            RedisStore.connect(server.url(), 300), "spool:", notADirectory, IDENTITY)) {
      store.put(entry("k"), "v".getBytes(UTF_8), 0, List.of());
      assertThat(store.get(entry("k"))).isEqualTo("v".getBytes(UTF_8));
    }
  }
}
