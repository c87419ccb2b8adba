package org.vip4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.vip4j.VipConfig;
import org.vip4j.VipManager;
import org.vip4j.VipRuntime;
import org.vip4j.testing.InMemoryDcs;

/** Managers built without an address manager share their runtime's, one per manager type and interface. */
class RuntimeSharingTest {

    private static VipConfig config(String ip, String iface) throws Exception {
        return VipConfig.builder().ip(InetAddress.getByName(ip)).netmask(24).interfaceName(iface)
                .triggerKey("/service/" + ip + "/leader").triggerValue("n1").managerType("fake").build();
    }

    @Test
    void oneAddressManagerPerInterfaceClosedWithItsLastVip() throws Exception {
        InMemoryDcs dcs = new InMemoryDcs();
        try (VipRuntime runtime = VipRuntime.create()) {
            VipManager a = VipManager.builder().config(config("198.51.100.101", "eth0")).runtime(runtime)
                    .dcsClient(dcs).build();
            VipManager b = VipManager.builder().config(config("198.51.100.102", "eth0")).runtime(runtime)
                    .dcsClient(dcs).build();
            assertThat(runtime.addressManagerCount()).as("two VIPs on eth0").isEqualTo(1);
            VipManager c = VipManager.builder().config(config("198.51.100.103", "eth1")).runtime(runtime)
                    .dcsClient(dcs).build();
            assertThat(runtime.addressManagerCount()).as("another interface").isEqualTo(2);
            a.close();
            assertThat(runtime.addressManagerCount()).as("b still uses eth0's").isEqualTo(2);
            b.close();
            c.close();
            assertThat(runtime.addressManagerCount()).as("each closed with its last VIP").isZero();
        }
    }
}
