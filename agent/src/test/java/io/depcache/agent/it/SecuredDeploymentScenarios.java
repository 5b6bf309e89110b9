package io.depcache.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.depcache.testing.TestCertificates;
import java.io.IOException;
import java.util.List;
import redis.clients.jedis.Jedis;

/**
 * The end-to-end scenarios every secured deployment passes, whatever its shape (one TLS-only Redis,
 * TLS-only Sentinel): the agent caches and invalidates there; with a trust store of another CA or a
 * wrong password the application runs uncached and the log says why in one WARN line that names the
 * store, without a password. A subclass starts the deployment and says how the agent reaches it;
 * its own {@code @Test}s call these scenarios, so that each IT keeps its name and its tests.
 */
abstract class SecuredDeploymentScenarios {
  /** The certificates the deployment was started with. */
  abstract TestCertificates certs();

  /** The ACL user's password the deployment takes. */
  abstract String password();

  /** The agent's JVM flags for this deployment, with {@code truststore} and {@code password}. */
  abstract List<String> agent(String truststore, String password) throws Exception;

  /** A connection to where the agent writes its entries, allowed to list keys. */
  abstract Jedis entries() throws Exception;

  /** The text by which the store's WARN line names this deployment. */
  abstract String location();

  /** The agent with the right trust store and password caches, and an invalidation drops. */
  final void cachesAndInvalidates() throws Exception {
    try (AppProcess app = start(agent(certs().truststore().toString(), password()))) {
      assertThat(app.send("active")).isEqualTo("true");
      assertThat(app.send("user 1")).isEqualTo("user1 computed=1");
      awaitEntries(1);
      assertThat(app.send("user 1")).isEqualTo("user1 computed=1");
      assertThat(app.send("invalidate user:1")).isEqualTo("1");
      assertThat(app.send("user 1")).isEqualTo("user1 computed=2");
      assertThat(storeWarnings(app.log())).isEmpty();
      assertThat(app.log()).doesNotContain(password()).doesNotContain(certs().password());
    }
  }

  /**
   * With the near cache on: hits are served from the JVM (its subscription and the protocol's
   * scripts pass TLS and the ACL user, channels included), and an invalidation drops them.
   */
  final void servesNearHitsAndInvalidates() throws Exception {
    List<String> flags =
        new java.util.ArrayList<>(agent(certs().truststore().toString(), password()));
    flags.add("-Ddepcache.near-cache.enabled=true");
    try (AppProcess app = start(flags)) {
      assertThat(app.send("active")).isEqualTo("true");
      assertThat(app.send("near-hits")).isEqualTo("0");
      assertThat(app.send("user 11")).isEqualTo("user11 computed=1");
      awaitEntries(1);
      // near hits start once the subscription's first heartbeat came back
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (app.send("near-hits").equals("0")) {
        assertThat(System.nanoTime()).as("a near hit").isLessThan(deadline);
        assertThat(app.send("user 11")).isEqualTo("user11 computed=1");
        Thread.sleep(20);
      }
      assertThat(app.send("invalidate user:11")).isEqualTo("1");
      assertThat(app.send("user 11")).isEqualTo("user11 computed=2");
      assertThat(storeWarnings(app.log())).isEmpty();
      assertThat(app.log()).doesNotContain(password()).doesNotContain(certs().password());
    }
  }

  /** The agent's flags with the near cache on. */
  static List<String> withNearCache(List<String> flags) {
    List<String> with = new java.util.ArrayList<>(flags);
    with.add("-Ddepcache.near-cache.enabled=true");
    return with;
  }

  /** A trust store of another CA: uncached, one WARN line naming the untrusted certificate. */
  final void aCertificateOfAnotherCaIsOneWarnLine() throws Exception {
    try (AppProcess app = start(agent(certs().otherTruststore().toString(), password()))) {
      assertThat(app.send("user 6")).isEqualTo("user6 computed=1");
      assertThat(app.send("user 6")).isEqualTo("user6 computed=2");
      assertThat(app.send("user 6")).isEqualTo("user6 computed=3");

      assertThat(storeWarnings(app))
          .as("the store's warnings in the log:%n%s", app.log())
          .singleElement()
          .asString()
          .contains(location())
          .contains("TLS handshake failed: the server's certificate is not trusted");
      assertThat(warnings(app.log())).as("the only WARN line").hasSize(1);
      assertThat(app.log()).doesNotContain(password()).doesNotContain(certs().password());
    }
  }

  /** A wrong password: uncached, one WARN line naming the refused login, not the password. */
  final void aWrongPasswordIsOneWarnLine() throws Exception {
    String wrong = "wrong-" + password() + "-wrong";
    try (AppProcess app = start(agent(certs().truststore().toString(), wrong))) {
      assertThat(app.send("user 7")).isEqualTo("user7 computed=1");
      assertThat(app.send("user 7")).isEqualTo("user7 computed=2");
      assertThat(app.send("invalidate user:7")).isEqualTo("0");

      assertThat(storeWarnings(app))
          .as("the store's warnings in the log:%n%s", app.log())
          .singleElement()
          .asString()
          .contains(location())
          .contains("login refused: WRONGPASS");
      assertThat(warnings(app.log())).as("the only WARN line").hasSize(1);
      assertThat(app.log()).doesNotContain(wrong).doesNotContain(certs().password());
    }
  }

  /** A miss's write goes on behind its call: wait until {@code count} entries are written. */
  private void awaitEntries(int count) throws Exception {
    try (Jedis entries = entries()) {
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (entries.keys("depcache:default:e:*").size() < count) {
        assertThat(System.nanoTime()).as("the entry was written").isLessThan(deadline);
        Thread.sleep(5);
      }
    }
  }

  private static AppProcess start(List<String> agentFlags) throws IOException {
    return AppProcess.start(ItSettings.javaHomes().get(0), agentFlags, List.of());
  }

  /** The store's warnings, once the first has been logged (the log is read behind the app). */
  private static List<String> storeWarnings(AppProcess app) throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (storeWarnings(app.log()).isEmpty() && System.nanoTime() - deadline < 0) {
      Thread.sleep(20);
    }
    return storeWarnings(app.log());
  }

  private static List<String> storeWarnings(String log) {
    return log.lines().filter(l -> l.contains("unavailable, bypassing it")).toList();
  }

  /** The WARN lines, but the one that says invalidations wait (made while the store was away). */
  private static List<String> warnings(String log) {
    return log.lines()
        .filter(l -> l.contains(" WARN "))
        .filter(l -> !l.contains("invalidations, deletes or clears wait for store"))
        .toList();
  }
}
