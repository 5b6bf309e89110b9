package io.depcache.agent.near;

import static io.depcache.agent.near.TextEntries.awaitWithin;
import static io.depcache.agent.near.TextEntries.value;
import static org.assertj.core.api.Assertions.assertThat;

import io.depcache.agent.store.KeyLayout;
import io.depcache.testing.ReadmeAcl;
import io.depcache.testing.RedisCluster;
import io.depcache.testing.TestCertificates;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The near cache on a Redis Cluster that speaks only TLS, as the ACL user of the README's cluster
 * lines (on every node, {@code default} off): two near caches, as two JVMs have, serve near hits
 * and keep each other coherent for entries on every primary, and no node refused any of their
 * commands. As the user of the README's first cluster line only (no near cache rules), or with the
 * sharded publish and subscribe rules only, a near cache serves Redis hits and never near ones, and
 * of all its tries one WARN line says why.
 */
class SecuredClusterNearCacheIT {
  private static final String USER = "depcache";
  private static final String ADMIN = "cluster-admin";
  private static final String ADMIN_PASSWORD = "admin-" + UUID.randomUUID();

  /** The README's cluster lines: the store's, and the near cache's. */
  private static final List<String> STORE_RULES = ReadmeAcl.lineWith("~{*}depcache:*");

  private static final List<String> NEAR_RULES = ReadmeAcl.lineWith("+ssubscribe");

  private static TestCertificates certs;
  private static RedisCluster cluster;

  private String prefix;
  private String ns;
  private TextEntries texts;
  private final List<NearCacheStore> opened = new ArrayList<>();
  private PrintStream err;
  private ByteArrayOutputStream log;

  @BeforeAll
  static void start() throws Exception {
    certs = TestCertificates.shared();
    cluster = RedisCluster.startSecured(certs, ADMIN, ADMIN_PASSWORD);
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @BeforeEach
  void capture() {
    prefix = "sc" + UUID.randomUUID().toString().substring(0, 8);
    ns = KeyLayout.namespace(prefix, "default");
    texts = new TextEntries(ns);
    for (int port : cluster.ports()) {
      cluster.cli(port, "ACL", "LOG", "RESET");
    }
    err = System.err;
    log = new ByteArrayOutputStream();
    System.setErr(new PrintStream(new Tee(err, log), true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void close() {
    for (NearCacheStore store : opened) {
      store.close();
    }
    System.setErr(err);
  }

  /** What was logged since the test began. */
  private String log() {
    synchronized (log) {
      return log.toString(StandardCharsets.UTF_8);
    }
  }

  private List<String> warnings() {
    return log().lines().filter(l -> l.contains(" WARN ")).toList();
  }

  /** Makes the user, on every node, with {@code rules} for this test's prefix. */
  private void user(List<String> rules) {
    cluster.aclSetUser(USER, ReadmeAcl.forPrefix(rules, prefix));
  }

  /** One JVM's store, as the ACL user over TLS. */
  private NearCacheStore open() throws Exception {
    NearCacheStore store =
        ClusterNearCacheIT.open(
            cluster.nodes(),
            prefix,
            "depcache.redis.user",
            USER,
            "depcache.redis.password",
            ReadmeAcl.password(),
            "depcache.redis.tls.truststore",
            certs.truststore().toString(),
            "depcache.redis.tls.truststore-password",
            certs.password());
    opened.add(store);
    return store;
  }

  @Test
  void servesNearHitsAndStaysCoherentOnEveryPrimaryAsTheReadmesClusterAclUser() throws Exception {
    List<String> rules = new ArrayList<>(STORE_RULES);
    rules.addAll(NEAR_RULES);
    user(rules);
    NearCacheStore a = open();
    NearCacheStore b = open();
    awaitWithin(10, "both near caches serve", () -> a.serving() && b.serving());
    ClusterNearCacheIT.assertCoherentOnEveryPrimary(texts, ns, a, b);

    // a delete of 60 entries: more than 16 of them on one primary at least, whose unlinks go
    // there in one batch that begins with SCRIPT LOAD
    List<String> many = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      texts.write(a, "m" + i, "w" + i, "dm");
      texts.assertNearHit(b, "m" + i, "w" + i);
      many.add(texts.entry("m" + i));
    }
    assertThat(a.delete(many)).isEqualTo(60);
    for (int i = 0; i < 60; i++) {
      assertThat(value(b.lookup(texts.entry("m" + i)))).as("m%d", i).isNull();
    }

    for (int port : cluster.ports()) {
      assertThat(cluster.cli(port, "ACL", "LOG").trim()).as("ACL LOG of node %d", port).isEmpty();
    }
    assertThat(warnings()).as("WARN lines in%n%s", log()).isEmpty();
  }

  @Test
  void withoutTheNearCachesRulesItServesRedisHitsOnlyAndOneWarnLineNamesTheRefusal()
      throws Exception {
    user(STORE_RULES);
    assertRefusedOnce("NOPERM this user has no permissions to run the 'ssubscribe' command");
  }

  @Test
  void withOnlyTheShardedPublishAndSubscribeRulesTheScriptsAreRefusedInOneWarnLine()
      throws Exception {
    List<String> rules = new ArrayList<>(STORE_RULES);
    rules.addAll(List.of("+ssubscribe", "+sunsubscribe", "+spublish"));
    user(rules);
    assertRefusedOnce("can't run this command");
  }

  /**
   * One near cache as the user the test made: its lookups are Redis hits and never near ones, an
   * invalidation removes the entry all the same, and while the near cache tries again and again one
   * WARN line, and no other, says why it serves nothing.
   */
  private void assertRefusedOnce(String why) throws Exception {
    NearCacheStore store = open();
    texts.write(store, "k", "one", "d");
    String warning = "the near cache of " + prefix + ":@near serves nothing";
    awaitWithin(10, "the near cache's WARN line", () -> log().contains(warning));
    long tries = store.subscriptionsMadeForTests();
    for (int i = 0; i < 20; i++) {
      assertThat(value(store.lookup(texts.entry("k")))).isEqualTo("one");
    }
    // refused a few more times, and not logged again
    awaitWithin(10, "three more tries", () -> store.subscriptionsMadeForTests() >= tries + 3);
    assertThat(store.nearHits()).isZero();
    assertThat(store.serving()).isFalse();
    assertThat(store.invalidate(List.of(texts.dep("d")))).isEqualTo(1);
    assertThat(value(store.lookup(texts.entry("k")))).isNull();
    assertThat(warnings())
        .as("WARN lines in%n%s", log())
        .singleElement()
        .asString()
        .contains(warning, why);
  }

  /** Writes to the test's stderr and keeps a copy. */
  private static final class Tee extends OutputStream {
    private final OutputStream out;
    private final ByteArrayOutputStream copy;

    Tee(OutputStream out, ByteArrayOutputStream copy) {
      this.out = out;
      this.copy = copy;
    }

    @Override
    public void write(int b) {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) {
      synchronized (copy) {
        copy.write(bytes, offset, length);
      }
      try {
        out.write(bytes, offset, length);
      } catch (IOException e) {
        // the copy is what the test reads
      }
    }
  }
}
