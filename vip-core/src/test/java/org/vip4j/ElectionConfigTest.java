package org.vip4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.vip4j.testing.FakeAddressManager;
import org.vip4j.testing.InMemoryDcs;

/** The election keys: defaults, what each accepts, and the combinations refused, all reported at once. */
class ElectionConfigTest {

    private static Map<String, String> env(String... pairs) {
        Map<String, String> env = new HashMap<>(Map.of("VIP_IP", "198.51.100.100", "VIP_NETMASK", "24",
                "VIP_INTERFACE", "eth0", "VIP_TRIGGER_KEY", "/service/pg/replica-vip", "VIP_TRIGGER_VALUE", "n1"));
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }

    private static List<String> problems(String... pairs) {
        try {
            VipConfig.builder().fromEnvironment(env(pairs)).build();
        } catch (VipConfigException e) {
            return e.problems();
        }
        throw new AssertionError("expected a VipConfigException");
    }

    @Test
    void defaultsAndSpellings() {
        VipConfig c = VipConfig.builder().fromEnvironment(env("VIP_ELECTION", "true",
                "VIP_HEALTH_CHECK", "http://127.0.0.1:8008/replica?lag=16MB")).build();
        assertThat(c.election()).isTrue();
        assertThat(c.electionTtl()).isEqualTo(Duration.ofSeconds(3));
        assertThat(c.healthCheck()).isEqualTo("http://127.0.0.1:8008/replica?lag=16MB");
        assertThat(c.healthInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.healthTimeout()).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.healthRise()).isEqualTo(1);
        assertThat(c.healthFall()).isEqualTo(1);
        VipConfig file = VipConfig.builder().fromFile(Map.of("ip", "198.51.100.100", "netmask", 24,
                "interface", "eth0", "trigger-key", "/k", "election", true, "election-ttl", "5s",
                "health-check", "tcp://127.0.0.1:6432", "health-rise", 3, "health-fall", 2)).build();
        assertThat(file.electionTtl()).isEqualTo(Duration.ofSeconds(5));
        assertThat(file.healthCheck()).isEqualTo("tcp://127.0.0.1:6432");
        assertThat(file.healthRise()).isEqualTo(3);
        assertThat(file.healthFall()).isEqualTo(2);
        assertThat(VipConfig.builder().fromEnvironment(env()).build().election()).isFalse();
    }

    @Test
    void everyBadCombinationIsReportedAtOnce() {
        List<String> p = problems("VIP_ELECTION", "true", "VIP_DCS_TYPE", "patroni", "VIP_DCS_LOSS", "keep",
                "VIP_ELECTION_TTL", "2", "VIP_HEALTH_INTERVAL", "500ms", "VIP_HEALTH_TIMEOUT", "2s");
        assertThat(p).hasSize(4);
        assertThat(p).anySatisfy(s -> assertThat(s).startsWith("VIP_ELECTION=true: dcs-type=patroni cannot elect")
                .contains("allowed: dcs-type etcd"));
        assertThat(p).anySatisfy(s -> assertThat(s).contains("VIP_DCS_LOSS=keep would keep the VIP after the "
                + "election lease expired"));
        assertThat(p).anySatisfy(s -> assertThat(s).startsWith("VIP_ELECTION_TTL=2s:")
                .contains("allowed: more than 2 x keepalive-period + handover-grace + 250ms = 2500ms"));
        assertThat(p).anySatisfy(s -> assertThat(s).startsWith("VIP_HEALTH_TIMEOUT=2s:")
                .contains("at most health-interval (500ms)"));
    }

    @Test
    void badValuesNameTheKeyTheValueAndWhatIsAllowed() {
        List<String> p = problems("VIP_ELECTION", "maybe", "VIP_HEALTH_CHECK", "ftp://127.0.0.1/x",
                "VIP_HEALTH_RISE", "0", "VIP_HEALTH_FALL", "many");
        assertThat(p).hasSize(4);
        assertThat(p).anySatisfy(s -> assertThat(s).startsWith("VIP_ELECTION=maybe: not a boolean; allowed: true"));
        assertThat(p).anySatisfy(s -> assertThat(s).startsWith("VIP_HEALTH_CHECK=ftp://127.0.0.1/x: unknown kind "
                + "of check; allowed: none, an http:// or https:// URL"));
        assertThat(p).anySatisfy(s -> assertThat(s).startsWith("VIP_HEALTH_RISE=0: out of range; allowed: a whole "
                + "number from 1 to 100"));
        assertThat(p).anySatisfy(s -> assertThat(s).startsWith("VIP_HEALTH_FALL=many: not a whole number"));
        assertThat(problems("VIP_ELECTION", "true", "VIP_HEALTH_CHECK", "tcp://127.0.0.1"))
                .singleElement().asString().contains("tcp:// needs a port");
        assertThat(problems("VIP_ELECTION", "true", "VIP_HEALTH_CHECK", "exec:  "))
                .singleElement().asString().contains("exec: needs a command");
    }

    @Test
    void aDcsWithoutElectionsIsRefusedWhenTheManagerIsBuilt() {
        VipConfig c = VipConfig.builder().fromEnvironment(env("VIP_ELECTION", "true")).build();
        assertThatThrownBy(() -> VipManager.builder().config(c).dcsClient(new InMemoryDcs())
                .addressManager(new FakeAddressManager()).build())
                .isInstanceOf(VipConfigException.class)
                .hasMessageContaining("election=true: dcs-type=etcd offers no elections");
    }

    @Test
    void thePreferenceKeysAndANameThatWouldReadAsAFallback() {
        VipConfig c = VipConfig.builder().fromEnvironment(env("VIP_ELECTION", "true",
                "VIP_HEALTH_CHECK", "http://127.0.0.1:8008/replica", "VIP_FALLBACK_CHECK",
                "http://127.0.0.1:8008/read-only", "VIP_ELECTION_HOLD_DOWN", "2s")).build();
        assertThat(c.fallbackCheck()).isEqualTo("http://127.0.0.1:8008/read-only");
        assertThat(c.fallbackDelay()).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.electionHoldDown()).isEqualTo(Duration.ofSeconds(2));
        assertThat(problems("VIP_ELECTION", "true", "VIP_TRIGGER_VALUE", "n1;fallback")).singleElement()
                .asString().startsWith("VIP_TRIGGER_VALUE=n1;fallback: an elected key's value marks a fallback");
    }
}
