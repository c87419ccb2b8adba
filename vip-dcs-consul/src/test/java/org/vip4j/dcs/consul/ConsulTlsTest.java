package org.vip4j.dcs.consul;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vip4j.testing.TestPki;
import org.vip4j.VipConfig;
import org.vip4j.dcs.consul.testing.ConsulDouble;
import org.vip4j.spi.DcsClient;
import org.vip4j.spi.LeaderObservation;

/** https endpoints: the CA file, client certificates, and what happens when either is wrong. */
class ConsulTlsTest {

    private static final String KEY = ConsulTestConfigs.KEY;

    @TempDir
    Path dir;

    private static LeaderObservation confirm(VipConfig config) throws Exception {
        try (DcsClient client = new ConsulDcsProvider().create(config)) {
            return client.confirm(KEY, Duration.ofSeconds(3)).get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void readsOverHttpsWithTheCaFileAndAClientCertificate() throws Exception {
        TestPki pki = TestPki.create();
        TestPki.Leaf client = pki.issue("vip4j");
        try (ConsulDouble consul = ConsulDouble.startTls(pki.serverContext(pki.issue("consul")), true)) {
            consul.put(KEY, "n1");
            Path ca = pki.writeCaPem(dir);
            VipConfig config = ConsulTestConfigs.builder(consul.uri()).etcdCaFile(ca)
                    .etcdCertFile(client.writeCertPem(dir, "client")).etcdKeyFile(client.writeKeyPem(dir, "client"))
                    .build();
            assertThat(consul.uri().getScheme()).isEqualTo("https");
            assertThat(confirm(config)).isEqualTo(new LeaderObservation.Leader("n1", consul.index()));

            LeaderObservation noClientCert = confirm(ConsulTestConfigs.builder(consul.uri()).etcdCaFile(ca).build());
            assertThat(noClientCert).as("server demands a client certificate")
                    .isInstanceOf(LeaderObservation.Unreachable.class);
            // TLS 1.3: the server drops the connection after the handshake, so the client sees a closed connection
            assertThat(((LeaderObservation.Unreachable) noClientCert).reason()).contains(consul.uri().toString());
        }
    }

    @Test
    void refusesAServerCertificateFromAnotherCa() throws Exception {
        TestPki pki = TestPki.create();
        TestPki other = TestPki.create();
        try (ConsulDouble consul = ConsulDouble.startTls(pki.serverContext(pki.issue("consul")), false)) {
            consul.put(KEY, "n1");
            Path otherCa = other.writeCaPem(dir);
            LeaderObservation o = confirm(ConsulTestConfigs.builder(consul.uri()).etcdCaFile(otherCa).build());
            assertThat(o).isInstanceOf(LeaderObservation.Unreachable.class);
            assertThat(((LeaderObservation.Unreachable) o).reason()).contains("SSLHandshakeException");
            assertThat(confirm(ConsulTestConfigs.builder(consul.uri()).build()))
                    .as("the JVM trust store does not know the test CA")
                    .isInstanceOf(LeaderObservation.Unreachable.class);
        }
    }

    @Test
    void aKeyThatIsNotPkcs8IsAConfigurationErrorNamingTheKey() throws Exception {
        TestPki pki = TestPki.create();
        TestPki.Leaf client = pki.issue("vip4j");
        Path pkcs1 = Files.writeString(dir.resolve("client.key"),
                "-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----\n");
        VipConfig config = ConsulTestConfigs.builder(URI.create("https://127.0.0.1:8501"))
                .etcdCertFile(client.writeCertPem(dir, "client")).etcdKeyFile(pkcs1).build();
        assertThatThrownBy(() -> new ConsulDcsProvider().create(config))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("etcd-key-file").hasMessageContaining("openssl pkcs8");
    }
}
