package io.depcache.agent.config;

/**
 * The {@code depcache.redis.tls.*} settings of one manager: where the trust and the client
 * certificate of a {@code rediss://} connection come from. Its {@link #toString()} never shows a
 * password.
 *
 * @param truststore path of the trust store, or {@code null} for the JVM's default trust
 * @param truststorePassword its password, or {@code null}
 * @param truststoreType {@code PKCS12} or {@code JKS}
 * @param keystore path of the key store with the client certificate (mutual TLS), or {@code null}
 * @param keystorePassword its password, or {@code null}
 * @param keystoreType {@code PKCS12} or {@code JKS}
 * @param verifyHostname whether the server certificate must name the host connected to
 */
public record TlsSettings(
    String truststore,
    String truststorePassword,
    String truststoreType,
    String keystore,
    String keystorePassword,
    String keystoreType,
    boolean verifyHostname) {

  /** The store types the {@code -type} keys accept. */
  static final String PKCS12 = "PKCS12";

  static final String JKS = "JKS";

  /** The defaults: the JVM's trust, no client certificate, host names checked. */
  public static final TlsSettings DEFAULT =
      new TlsSettings(null, null, PKCS12, null, null, PKCS12, true);

  @Override
  public String toString() {
    return "TlsSettings[truststore="
        + truststore
        + " ("
        + truststoreType
        + (truststorePassword == null ? "" : ", password ***")
        + "), keystore="
        + keystore
        + " ("
        + keystoreType
        + (keystorePassword == null ? "" : ", password ***")
        + "), verifyHostname="
        + verifyHostname
        + "]";
  }
}
