package io.depcache.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Certificates made at test time with the JDK's {@code keytool} (no other tool needed): a CA, a
 * server certificate for {@code localhost} signed by it, a client certificate signed by it, trust
 * stores that trust it, and a second, unrelated CA for the "wrong CA" case. The server's key and
 * certificates are also written as PEM files, the form {@code redis-server} reads.
 *
 * <p>The server certificate names only {@code localhost} (no IP address): connecting to {@code
 * 127.0.0.1} with host-name verification on must fail, to {@code localhost} must succeed.
 *
 * @param dir where the files are
 * @param password the password of every store
 * @param caCertPem the CA's certificate (PEM), for {@code --tls-ca-cert-file}
 * @param serverCertPem the server's certificate (PEM), for {@code --tls-cert-file}
 * @param serverKeyPem the server's private key (PEM, PKCS#8), for {@code --tls-key-file}
 * @param truststore a PKCS12 store that trusts the CA
 * @param truststoreJks the same as JKS
 * @param clientKeystore a PKCS12 store with the client's key and certificate chain
 * @param otherTruststore a PKCS12 store that trusts only the other CA
 * @param otherClientKeystore a PKCS12 store with a key and a certificate that the CA did not sign
 */
public record TestCertificates(
    Path dir,
    String password,
    Path caCertPem,
    Path serverCertPem,
    Path serverKeyPem,
    Path truststore,
    Path truststoreJks,
    Path clientKeystore,
    Path otherTruststore,
    Path otherClientKeystore) {

  /**
   * What {@code redis-server} needs to speak TLS with these certificates: the server's certificate
   * and key, the CA it trusts, and whether clients must show a certificate of that CA.
   */
  public List<String> serverArgs(boolean clientCertificates) {
    return List.of(
        "--tls-cert-file",
        serverCertPem.toString(),
        "--tls-key-file",
        serverKeyPem.toString(),
        "--tls-ca-cert-file",
        caCertPem.toString(),
        "--tls-auth-clients",
        clientCertificates ? "yes" : "no");
  }

  private static final String PASSWORD = "test-store-pw";
  private static TestCertificates shared;

  /**
   * The certificates of this JVM, made on first use in a temporary directory (keytool takes a few
   * seconds for them all).
   */
  public static synchronized TestCertificates shared() throws IOException, InterruptedException {
    if (shared == null) {
      shared = create(Files.createTempDirectory("depcache-certs"));
    }
    return shared;
  }

  /**
   * Makes every file in {@code dir}.
   *
   * @param dir an empty directory
   * @return the files made
   * @throws IllegalStateException when keytool fails (its output is in the message)
   */
  public static TestCertificates create(Path dir) throws IOException, InterruptedException {
    Path ca = dir.resolve("ca.p12");
    Path caPem = dir.resolve("ca.crt");
    authority(ca, caPem, "depcache-test-ca");
    Path otherCa = dir.resolve("other-ca.p12");
    Path otherCaPem = dir.resolve("other-ca.crt");
    authority(otherCa, otherCaPem, "depcache-other-ca");

    Path server = dir.resolve("server.p12");
    Path serverPem = dir.resolve("server.crt");
    // clientAuth too: the nodes of a TLS cluster present it to each other on the cluster bus
    signed(
        ca,
        server,
        serverPem,
        "server",
        "CN=localhost",
        "SAN=dns:localhost",
        "serverAuth,clientAuth");
    Path serverKey = dir.resolve("server.key");
    writeKeyPem(server, "server", serverKey);

    Path client = dir.resolve("client.p12");
    signed(
        ca, client, dir.resolve("client.crt"), "client", "CN=depcache-client", null, "clientAuth");
    chain(client, caPem, dir.resolve("client.crt"), "client");
    // a certificate the server's CA never signed: the other CA's own
    Path otherClient = otherCa;

    Path trust = dir.resolve("trust.p12");
    trust(caPem, trust, "PKCS12");
    Path trustJks = dir.resolve("trust.jks");
    trust(caPem, trustJks, "JKS");
    Path otherTrust = dir.resolve("other-trust.p12");
    trust(otherCaPem, otherTrust, "PKCS12");
    return new TestCertificates(
        dir,
        PASSWORD,
        caPem,
        serverPem,
        serverKey,
        trust,
        trustJks,
        client,
        otherTrust,
        otherClient);
  }

  private static void authority(Path store, Path pem, String name)
      throws IOException, InterruptedException {
    keytool(
        "-genkeypair",
        "-keystore",
        store.toString(),
        "-storetype",
        "PKCS12",
        "-storepass",
        PASSWORD,
        "-alias",
        "ca",
        "-dname",
        "CN=" + name,
        "-keyalg",
        "EC",
        "-groupname",
        "secp256r1",
        "-validity",
        "2",
        "-ext",
        "bc:c",
        "-ext",
        "KeyUsage=keyCertSign,cRLSign");
    keytool(
        "-exportcert",
        "-rfc",
        "-keystore",
        store.toString(),
        "-storepass",
        PASSWORD,
        "-alias",
        "ca",
        "-file",
        pem.toString());
  }

  private static void signed(
      Path ca, Path store, Path pem, String alias, String dname, String san, String usage)
      throws IOException, InterruptedException {
    keytool(
        "-genkeypair",
        "-keystore",
        store.toString(),
        "-storetype",
        "PKCS12",
        "-storepass",
        PASSWORD,
        "-alias",
        alias,
        "-dname",
        dname,
        "-keyalg",
        "EC",
        "-groupname",
        "secp256r1",
        "-validity",
        "2");
    Path request = store.resolveSibling(alias + "-" + store.getFileName() + ".csr");
    keytool(
        "-certreq",
        "-keystore",
        store.toString(),
        "-storepass",
        PASSWORD,
        "-alias",
        alias,
        "-file",
        request.toString());
    List<String> gencert =
        new ArrayList<>(
            List.of(
                "-gencert",
                "-rfc",
                "-keystore",
                ca.toString(),
                "-storepass",
                PASSWORD,
                "-alias",
                "ca",
                "-infile",
                request.toString(),
                "-outfile",
                pem.toString(),
                "-validity",
                "2",
                "-ext",
                "EKU=" + usage));
    if (san != null) {
      gencert.addAll(List.of("-ext", san));
    }
    keytool(gencert.toArray(String[]::new));
  }

  /** Replaces the self-signed certificate of {@code alias} by the CA-signed one and its CA. */
  private static void chain(Path store, Path caPem, Path certPem, String alias)
      throws IOException, InterruptedException {
    keytool(
        "-importcert",
        "-noprompt",
        "-keystore",
        store.toString(),
        "-storepass",
        PASSWORD,
        "-alias",
        "ca",
        "-file",
        caPem.toString());
    keytool(
        "-importcert",
        "-noprompt",
        "-keystore",
        store.toString(),
        "-storepass",
        PASSWORD,
        "-alias",
        alias,
        "-file",
        certPem.toString());
  }

  private static void trust(Path caPem, Path store, String type)
      throws IOException, InterruptedException {
    keytool(
        "-importcert",
        "-noprompt",
        "-keystore",
        store.toString(),
        "-storetype",
        type,
        "-storepass",
        PASSWORD,
        "-alias",
        "ca",
        "-file",
        caPem.toString());
  }

  private static void writeKeyPem(Path store, String alias, Path pem) throws IOException {
    try (InputStream in = Files.newInputStream(store)) {
      KeyStore keyStore = KeyStore.getInstance("PKCS12");
      keyStore.load(in, PASSWORD.toCharArray());
      Key key = keyStore.getKey(alias, PASSWORD.toCharArray());
      String body =
          Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
              .encodeToString(key.getEncoded());
      Files.writeString(
          pem, "-----BEGIN PRIVATE KEY-----\n" + body + "\n-----END PRIVATE KEY-----\n");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot read the key of " + store + ": " + e, e);
    }
  }

  private static void keytool(String... arguments) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    // a short-lived JVM: these start it in about a third of the time
    command.addAll(List.of("-J-XX:TieredStopAtLevel=1", "-J-XX:+UseSerialGC", "-J-Xshare:auto"));
    command.addAll(List.of(arguments));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    process.getOutputStream().close();
    byte[] output = process.getInputStream().readAllBytes();
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      process.destroyForcibly();
      throw new IllegalStateException(
          String.join(" ", command) + " failed:\n" + new String(output, StandardCharsets.UTF_8));
    }
  }
}
