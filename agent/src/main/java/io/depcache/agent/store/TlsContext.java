package io.depcache.agent.store;

import io.depcache.agent.config.TlsSettings;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * The TLS side of a {@code rediss://} connection, from {@code depcache.redis.tls.*}: whom to trust
 * (the trust store, or the JVM's default trust), which certificate to show (the key store, for
 * mutual TLS) and whether the server's certificate must name the host connected to.
 *
 * <p>Messages name the file, its type and the key that named it, never a password.
 */
final class TlsContext {
  private final SSLSocketFactory socketFactory;
  private final SSLParameters parameters;

  private TlsContext(SSLSocketFactory socketFactory, SSLParameters parameters) {
    this.socketFactory = socketFactory;
    this.parameters = parameters;
  }

  /**
   * Reads the stores and builds the socket factory.
   *
   * @param tls the settings
   * @return the context
   * @throws StoreException when a store cannot be read or opened with its password
   */
  static TlsContext of(TlsSettings tls) {
    try {
      TrustManagerFactory trust =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(
          tls.truststore() == null
              ? null // the JVM's default trust (cacerts, or -Djavax.net.ssl.trustStore)
              : load(
                  "depcache.redis.tls.truststore",
                  tls.truststore(),
                  tls.truststoreType(),
                  tls.truststorePassword()));
      KeyManagerFactory keys = null;
      if (tls.keystore() != null) {
        String password = tls.keystorePassword() == null ? "" : tls.keystorePassword();
        keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(
            load("depcache.redis.tls.keystore", tls.keystore(), tls.keystoreType(), password),
            password.toCharArray());
      }
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys == null ? null : keys.getKeyManagers(), trust.getTrustManagers(), null);
      SSLParameters parameters = context.getDefaultSSLParameters();
      if (tls.verifyHostname()) {
        // JSSE then checks the certificate's names against the host during the handshake.
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
      }
      return new TlsContext(context.getSocketFactory(), parameters);
    } catch (GeneralSecurityException e) {
      throw new StoreException("TLS cannot be set up: " + e.getMessage(), null);
    }
  }

  SSLSocketFactory socketFactory() {
    return socketFactory;
  }

  SSLParameters parameters() {
    return parameters;
  }

  private static KeyStore load(String key, String file, String type, String password) {
    String what = key + " " + file + " (" + type + ")";
    Path path = Path.of(file);
    if (!Files.isReadable(path)) {
      throw new StoreException(what + " cannot be read: no such readable file", null);
    }
    try (InputStream in = Files.newInputStream(path)) {
      KeyStore store = KeyStore.getInstance(type);
      store.load(in, password == null ? null : password.toCharArray());
      if (store.size() == 0) {
        throw new StoreException(what + " holds no entry", null);
      }
      return store;
    } catch (IOException | GeneralSecurityException e) {
      // e.g. "keystore password was incorrect": the JDK's messages never hold the password
      throw new StoreException(
          what + " cannot be opened: " + e.getMessage() + " (is the file of that type?)", null);
    }
  }
}
