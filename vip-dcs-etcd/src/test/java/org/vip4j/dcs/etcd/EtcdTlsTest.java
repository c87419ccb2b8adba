package org.vip4j.dcs.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vip4j.testing.ObservationRecorder.leader;
import static org.vip4j.testing.ObservationRecorder.unreachable;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vip4j.VipConfig;
import org.vip4j.testing.etcd.EtcdExtension;
import org.vip4j.testing.etcd.EtcdServer;
import org.vip4j.spi.DcsClient;
import org.vip4j.spi.DcsWatch;
import org.vip4j.spi.LeaderObservation;
import org.vip4j.testing.ObservationRecorder;
import org.vip4j.testing.TestPki;

/** etcd over https with client certificates, as vip-manager's etcd-ca-file/etcd-cert-file/etcd-key-file set it up. */
class EtcdTlsTest {

    private static final Path DIR;
    private static final TestPki PKI;
    private static final TestPki.Leaf CLIENT;
    private static final EtcdServer.Tls TLS;

    static {
        try {
            DIR = Files.createTempDirectory("vip4j-etcd-tls-");
            PKI = TestPki.create();
            TestPki.Leaf server = PKI.issue("etcd");
            CLIENT = PKI.issue("vip4j");
            TLS = new EtcdServer.Tls(PKI.writeCaPem(DIR), server.writeCertPem(DIR, "server"),
                    server.writeKeyPem(DIR, "server"), true, PKI.serverContext(server));
        } catch (Exception e) {
            throw new IllegalStateException("cannot create test certificates", e);
        }
    }

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.tls(TLS);

    private static final String KEY = "/service/tls/leader";

    private static VipConfig config(Path caFile) {
        try {
            return VipConfig.builder().ip(InetAddress.getByName("198.51.100.100")).netmask(24).interfaceName("eth0")
                    .triggerKey(KEY).triggerValue("n1").set("dcs-endpoints", ETCD.endpoints())
                    .etcdCaFile(caFile).etcdCertFile(CLIENT.writeCertPem(DIR, "client"))
                    .etcdKeyFile(CLIENT.writeKeyPem(DIR, "client"))
                    .interval(Duration.ofMillis(500)).keepalivePeriod(Duration.ofMillis(500)).build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void followsTheKeyOverHttpsWithAClientCertificate() throws Exception {
        assertThat(ETCD.endpoints()).startsWith("https://");
        ETCD.put(KEY, "n1");
        try (DcsClient c = new EtcdDcsClientProvider().create(config(TLS.caFile()))) {
            ObservationRecorder rec = new ObservationRecorder();
            try (DcsWatch w = c.watch(KEY, rec)) {
                int i = rec.await(0, leader("n1"), Duration.ofSeconds(15), "n1 over TLS");
                ETCD.put(KEY, "n2");
                rec.await(i + 1, leader("n2"), Duration.ofSeconds(15), "n2 over TLS");
                assertThat(c.confirm(KEY, Duration.ofSeconds(2)).get(10, TimeUnit.SECONDS))
                        .isInstanceOf(LeaderObservation.Leader.class);
            }
        }
    }

    @Test
    void aWrongCaIsUnreachableWithTheCauseNotAHang() throws Exception {
        Path otherDir = Files.createTempDirectory("vip4j-etcd-other-ca-");
        Path wrongCa = TestPki.create().writeCaPem(otherDir);
        try (DcsClient c = new EtcdDcsClientProvider().create(config(wrongCa))) {
            ObservationRecorder rec = new ObservationRecorder();
            try (DcsWatch w = c.watch(KEY, rec)) {
                rec.await(0, unreachable(), Duration.ofSeconds(15), "Unreachable with an untrusted server");
                long start = System.nanoTime();
                assertThat(c.confirm(KEY, Duration.ofSeconds(1)).get(10, TimeUnit.SECONDS))
                        .isInstanceOf(LeaderObservation.Unreachable.class);
                assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(3_000);
            }
        }
    }
}
