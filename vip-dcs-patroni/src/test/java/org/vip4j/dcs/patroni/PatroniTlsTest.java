package org.vip4j.dcs.patroni;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vip4j.testing.TestPki;
import org.vip4j.VipConfig;
import org.vip4j.spi.DcsClient;
import org.vip4j.spi.LeaderObservation;

/** Patroni's REST API over https (restapi.certfile, restapi.verify_client), with vip-manager's etcd-* TLS files. */
class PatroniTlsTest {

    @TempDir
    Path dir;

    private static LeaderObservation confirm(VipConfig config) throws Exception {
        try (DcsClient client = new PatroniDcsProvider().create(config)) {
            return client.confirm("/leader", Duration.ofSeconds(3)).get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void pollsOverHttpsWithTheCaFileAndAClientCertificate() throws Exception {
        TestPki pki = TestPki.create();
        TestPki.Leaf client = pki.issue("vip4j");
        try (PatroniDouble patroni = PatroniDouble.startTls(pki.serverContext(pki.issue("patroni")), true)) {
            patroni.answer(503);
            Path ca = pki.writeCaPem(dir);
            VipConfig config = PatroniTestConfigs.builder(patroni.uri()).etcdCaFile(ca)
                    .etcdCertFile(client.writeCertPem(dir, "client")).etcdKeyFile(client.writeKeyPem(dir, "client"))
                    .build();
            assertThat(confirm(config)).isEqualTo(new LeaderObservation.Leader("503", 0));
            assertThat(confirm(PatroniTestConfigs.builder(patroni.uri()).etcdCaFile(ca).build()))
                    .as("server demands a client certificate").isInstanceOf(LeaderObservation.Unreachable.class);
        }
    }

    @Test
    void refusesAServerCertificateFromAnotherCa() throws Exception {
        TestPki pki = TestPki.create();
        TestPki other = TestPki.create();
        try (PatroniDouble patroni = PatroniDouble.startTls(pki.serverContext(pki.issue("patroni")), false)) {
            LeaderObservation o = confirm(PatroniTestConfigs.builder(patroni.uri())
                    .etcdCaFile(other.writeCaPem(dir)).build());
            assertThat(o).isInstanceOf(LeaderObservation.Unreachable.class);
            assertThat(((LeaderObservation.Unreachable) o).reason()).contains("SSLHandshakeException");
        }
    }
}
