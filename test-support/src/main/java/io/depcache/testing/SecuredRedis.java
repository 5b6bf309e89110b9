package io.depcache.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

/**
 * How the secured test deployments ({@link RedisCluster#startSecured}, {@link
 * RedisSentinel#startSecured}) are secured: every port speaks only TLS with {@code certs}' server
 * certificate (which names {@code localhost} only), replication too, and the servers know one ACL
 * user, {@code user} with {@code password} and every permission, with {@code default} off. The
 * test's own connections (and {@code redis-cli}'s) are made the same way.
 *
 * @param certs the certificates of the servers and of the CA the test trusts
 * @param user the one ACL user
 * @param password its password
 * @param sockets TLS sockets that trust the CA of {@code certs}
 */
public record SecuredRedis(
    TestCertificates certs, String user, String password, SSLSocketFactory sockets) {

  /** The security of {@code certs} and one ACL user. */
  public static SecuredRedis of(TestCertificates certs, String user, String password) {
    try (InputStream in = Files.newInputStream(certs.truststore())) {
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(in, certs.password().toCharArray());
      TrustManagerFactory trustManagers =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trustManagers.init(trust);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trustManagers.getTrustManagers(), null);
      return new SecuredRedis(certs, user, password, context.getSocketFactory());
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot read " + certs.truststore() + ": " + e, e);
    }
  }

  /**
   * What a data node's command line adds to speak only TLS on {@code port} (replication too) and
   * know only the ACL user, which it also logs in as to its primary when it is a replica.
   */
  public List<String> serverArgs(int port) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--port", "0", "--tls-port", Integer.toString(port), "--tls-replication", "yes"));
    args.addAll(certs.serverArgs(false));
    // an option's words are arguments of their own: "default off" would be one user name
    args.addAll(List.of("--user", "default", "off", "--user"));
    args.addAll(userRule());
    args.addAll(List.of("--masteruser", user, "--masterauth", password));
    return args;
  }

  /**
   * The lines of a Sentinel's configuration file that make it speak only TLS on {@code port} (and
   * to the servers and the other sentinels) and, with {@code login}, know only the ACL user and log
   * in as it to the other sentinels ({@code sentinel sentinel-user}).
   */
  public List<String> sentinelLines(int port, boolean login) {
    List<String> lines =
        new ArrayList<>(
            List.of(
                "port 0",
                "tls-port " + port,
                "tls-replication yes",
                "tls-cert-file " + certs.serverCertPem(),
                "tls-key-file " + certs.serverKeyPem(),
                "tls-ca-cert-file " + certs.caCertPem(),
                "tls-auth-clients no"));
    if (login) {
      lines.addAll(
          List.of(
              "user default off",
              "user " + String.join(" ", userRule()),
              "sentinel sentinel-user " + user,
              "sentinel sentinel-pass " + password));
    }
    return lines;
  }

  /**
   * The lines, after {@code sentinel monitor}, with which a Sentinel logs in as the ACL user to the
   * servers of {@code master}.
   */
  public List<String> sentinelMasterLines(String master) {
    return List.of(
        "sentinel auth-user " + master + " " + user,
        "sentinel auth-pass " + master + " " + password);
  }

  private List<String> userRule() {
    return List.of(user, "on", ">" + password, "~*", "&*", "+@all");
  }

  /** A connection to {@code localhost:port}, over TLS, logged in as the ACL user. */
  public Jedis jedis(int port, int timeoutMillis) {
    return new Jedis(
        new HostAndPort("localhost", port),
        tls(timeoutMillis).user(user).password(password).build());
  }

  /** A connection to {@code localhost:port}, over TLS, without a login. */
  public Jedis tlsOnly(int port, int timeoutMillis) {
    return new Jedis(new HostAndPort("localhost", port), tls(timeoutMillis).build());
  }

  private DefaultJedisClientConfig.Builder tls(int timeoutMillis) {
    return DefaultJedisClientConfig.builder()
        .timeoutMillis(timeoutMillis)
        .ssl(true)
        .sslSocketFactory(sockets);
  }

  /** {@code redis-cli}'s flags for TLS with the CA and the ACL user. */
  public List<String> cliFlags() {
    return List.of(
        "--tls",
        "--cacert",
        certs.caCertPem().toString(),
        "--user",
        user,
        "--pass",
        password,
        "--no-auth-warning");
  }
}
