package org.vip4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link VipManager#check}: one call, every problem, the configuration's and the host's ({@code set} spells keys as
 * flags do).
 */
class VipManagerCheckTest {

    private static VipConfig.Builder base() {
        return VipConfig.builder().set("ip", "198.51.100.100").set("netmask", "24").set("interface", "eth0")
                .set("trigger-key", "/service/pg/leader").set("trigger-value", "n1")
                .set("dcs-endpoints", "http://127.0.0.1:2379");
    }

    @Test
    void providersAreCheckedEvenWhenTheConfigurationHasProblemsOfItsOwn() {
        List<String> problems = VipManager.check(base().set("ip", "198.51.100.300").set("dcs-type", "kubernetes"));

        assertThat(problems).hasSize(3);
        assertThat(problems.get(0)).startsWith("--ip=198.51.100.300: ");
        assertThat(problems).anySatisfy(p -> assertThat(p)
                .startsWith("dcs-type=kubernetes: no DcsClientProvider of that type on the class path; found: ["));
        // vip-core's tests have no address manager: the module that has one is named
        assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("manager-type=basic: no AddressManagerProvider")
                .contains("add the module org.vip4j:vip-net-linux"));
    }

    @Test
    void aValueThatDoesNotParseIsReportedOnceByTheConfigurationNotAgainAsAProvider() {
        List<String> problems = VipManager.check(base().set("dcs-type", "etcd2").set("manager-type", "no such"));

        assertThat(problems).hasSize(2);
        assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("--dcs-type=etcd2: etcd's v2 API is not supported"));
        assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("--manager-type=no such: "));
    }

    @Test
    void checkingDoesNotUseUpTheBuilder() {
        VipConfig.Builder b = base().set("dcs-type", "memory");

        assertThat(VipManager.check(b)).singleElement().asString().startsWith("manager-type=basic: ");
        assertThat(b.build().dcsType()).isEqualTo("memory");
    }
}
