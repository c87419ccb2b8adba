package com.example.vipapp;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.ServiceLoader;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.vip4j.VipConfig;
import org.vip4j.VipEvent;
import org.vip4j.VipManager;
import org.vip4j.spi.AddressManagerProvider;
import org.vip4j.spi.DcsClientProvider;
import org.vip4j.testing.FakeAddressManager;
import org.vip4j.testing.InMemoryDcs;

/** A user's own test of its failover wiring, on vip4j's fixtures: nothing real underneath. */
class FailoverTest {

    @Test
    void theNodeTheKeyNamesHoldsTheVip() throws Exception {
        InMemoryDcs dcs = new InMemoryDcs();
        FakeAddressManager eth0 = new FakeAddressManager();
        VipConfig config = VipConfig.builder()
                .ip(InetAddress.getByName("198.51.100.100")).netmask(24).interfaceName("eth0")
                .triggerKey("/service/pg/leader").triggerValue("node1")
                .build();
        CountDownLatch acquired = new CountDownLatch(1);
        try (VipManager vip = VipManager.builder().config(config).dcsClient(dcs).addressManager(eth0).build()) {
            vip.addListener(e -> {
                if (e.kind() == VipEvent.Kind.ACQUIRED) {
                    acquired.countDown();
                }
            });
            vip.start();
            dcs.put("/service/pg/leader", "node1");
            assertThat(acquired.await(10, TimeUnit.SECONDS)).as("ACQUIRED").isTrue();
            assertThat(eth0.holds(config.virtualAddress())).isTrue();
        }
        assertThat(eth0.holds(config.virtualAddress())).as("released on close").isFalse();
    }

    @Test
    void theProvidersOfTheDependenciesAreFoundOnTheClassPath() {
        assertThat(ServiceLoader.load(DcsClientProvider.class).stream().map(p -> p.get().type()))
                .contains("etcd");
        assertThat(ServiceLoader.load(AddressManagerProvider.class).stream().map(p -> p.get().type()))
                .contains("basic");
    }
}
