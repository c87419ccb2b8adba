package org.vip4j.spi;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * An {@link SSLContext} from PEM files, as vip-manager takes them: a CA bundle (else the JVM's trust store) and an
 * optional client certificate with its unencrypted PKCS#8 key ({@code -----BEGIN PRIVATE KEY-----}). Shared by the
 * DCS providers that speak HTTPS with the JDK client (Consul, Patroni), and there for any provider that takes the
 * {@code etcd-ca-file}, {@code etcd-cert-file} and {@code etcd-key-file} keys the same way.
 */
public final class PemTls {

    private PemTls() {
    }

    /**
     * @param caKey the configuration key that named {@code ca}, for messages
     * @throws IllegalArgumentException naming the file and key at fault
     */
    public static SSLContext context(Optional<Path> ca, Optional<Path> cert, Optional<Path> key, String caKey,
            String certKey, String keyKey) {
        try {
            TrustManagerFactory tmf = null;
            if (ca.isPresent()) {
                KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
                trust.load(null, null);
                int i = 0;
                for (Certificate c : certificates(ca.get(), caKey)) {
                    trust.setCertificateEntry("ca-" + i++, c);
                }
                tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(trust);
            }
            KeyManagerFactory kmf = null;
            if (cert.isPresent() && key.isPresent()) {
                List<Certificate> chain = certificates(cert.get(), certKey);
                PrivateKey pk = privateKey(key.get(), keyKey);
                KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
                ks.load(null, null);
                char[] none = new char[0];
                ks.setKeyEntry("client", pk, none, chain.toArray(new Certificate[0]));
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(ks, none);
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("TLS set-up failed: " + e.getMessage(), e);
        }
    }

    private static List<Certificate> certificates(Path file, String configKey) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509")
                    .generateCertificates(in);
            if (certs.isEmpty()) {
                throw new IllegalArgumentException(configKey + "=" + file + ": no PEM certificate in the file");
            }
            return new ArrayList<>(certs);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(configKey + "=" + file + ": not a PEM certificate file ("
                    + e.getMessage() + ")", e);
        }
    }

    private static PrivateKey privateKey(Path file, String configKey) throws IOException {
        String pem = Files.readString(file);
        String begin = "-----BEGIN PRIVATE KEY-----";
        int at = pem.indexOf(begin);
        int end = pem.indexOf("-----END PRIVATE KEY-----");
        if (at < 0 || end < at) {
            throw new IllegalArgumentException(configKey + "=" + file + ": expected an unencrypted PKCS#8 key "
                    + "(-----BEGIN PRIVATE KEY-----); convert with: "
                    + "openssl pkcs8 -topk8 -nocrypt -in <key> -out <new>");
        }
        byte[] der = Base64.getMimeDecoder().decode(pem.substring(at + begin.length(), end));
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        for (String alg : List.of("RSA", "EC", "Ed25519")) {
            try {
                return KeyFactory.getInstance(alg).generatePrivate(spec);
            } catch (GeneralSecurityException e) {
                // try the next algorithm
            }
        }
        throw new IllegalArgumentException(configKey + "=" + file + ": not an RSA, EC or Ed25519 private key");
    }
}
