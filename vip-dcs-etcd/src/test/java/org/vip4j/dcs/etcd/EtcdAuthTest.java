package org.vip4j.dcs.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vip4j.testing.ObservationRecorder.leader;
import static org.vip4j.testing.ObservationRecorder.unreachable;

import io.etcd.jetcd.Auth;
import io.etcd.jetcd.Client;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vip4j.VipConfig;
import org.vip4j.testing.etcd.EtcdExtension;
import org.vip4j.spi.DcsClient;
import org.vip4j.spi.DcsWatch;
import org.vip4j.spi.LeaderObservation;
import org.vip4j.testing.ObservationRecorder;

/** etcd with authentication on: the right password works, a wrong one is reported, never echoed, never hangs. */
class EtcdAuthTest {

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.single();

    private static final String PASSWORD = "pa55-w0rd-never-logged";
    private static final String KEY = "/service/auth/leader";
    private static Client admin;

    @BeforeAll
    static void enableAuth() throws Exception {
        Auth auth = ETCD.client().getAuthClient();
        auth.userAdd(EtcdExtension.bytes("root"), EtcdExtension.bytes(PASSWORD)).get(10, TimeUnit.SECONDS);
        auth.roleAdd(EtcdExtension.bytes("root")).get(10, TimeUnit.SECONDS);
        auth.userGrantRole(EtcdExtension.bytes("root"), EtcdExtension.bytes("root")).get(10, TimeUnit.SECONDS);
        auth.authEnable().get(10, TimeUnit.SECONDS);
        admin = Client.builder().endpoints(URI.create(ETCD.endpoints()))
                .user(EtcdExtension.bytes("root")).password(EtcdExtension.bytes(PASSWORD)).build();
        admin.getKVClient().put(EtcdExtension.bytes(KEY), EtcdExtension.bytes("n1")).get(10, TimeUnit.SECONDS);
    }

    @AfterAll
    static void closeAdmin() {
        if (admin != null) {
            admin.close();
        }
    }

    private static VipConfig config(String password) throws Exception {
        return VipConfig.builder().ip(InetAddress.getByName("198.51.100.100")).netmask(24).interfaceName("eth0")
                .triggerKey(KEY).triggerValue("n1").set("dcs-endpoints", ETCD.endpoints())
                .etcdUser("root").etcdPassword(password)
                .interval(Duration.ofMillis(500)).keepalivePeriod(Duration.ofMillis(500)).build();
    }

    @Test
    void theRightPasswordFollowsAndConfirms() throws Exception {
        try (DcsClient c = new EtcdDcsClientProvider().create(config(PASSWORD))) {
            ObservationRecorder rec = new ObservationRecorder();
            try (DcsWatch w = c.watch(KEY, rec)) {
                int i = rec.await(0, leader("n1"), Duration.ofSeconds(15), "n1 with auth");
                admin.getKVClient().put(EtcdExtension.bytes(KEY), EtcdExtension.bytes("n2")).get(10, TimeUnit.SECONDS);
                rec.await(i + 1, leader("n2"), Duration.ofSeconds(15), "n2 with auth");
                assertThat(c.confirm(KEY, Duration.ofSeconds(2)).get(10, TimeUnit.SECONDS))
                        .isInstanceOf(LeaderObservation.Leader.class);
            }
        }
    }

    @Test
    void aWrongPasswordIsUnreachableWithTheCauseAndWithoutThePassword() throws Exception {
        String wrong = "wrong-pa55-also-secret";
        try (DcsClient c = new EtcdDcsClientProvider().create(config(wrong))) {
            ObservationRecorder rec = new ObservationRecorder();
            try (DcsWatch w = c.watch(KEY, rec)) {
                rec.await(0, unreachable(), Duration.ofSeconds(15), "Unreachable for a wrong password");
                String reason = ((LeaderObservation.Unreachable) rec.all().get(0)).reason();
                assertThat(reason).containsIgnoringCase("auth").doesNotContain(wrong).doesNotContain(PASSWORD);
                long start = System.nanoTime();
                LeaderObservation confirm = c.confirm(KEY, Duration.ofSeconds(1)).get(10, TimeUnit.SECONDS);
                assertThat(confirm).isInstanceOf(LeaderObservation.Unreachable.class);
                assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(3_000);
            }
        }
    }
}
