package org.vip4j.net.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.vip4j.VipConfig;
import org.vip4j.spi.AddressManagerProvider;

class ProviderTest {

    @Test
    void serviceLoaderFindsTheBasicProvider() {
        assertThat(ServiceLoader.load(AddressManagerProvider.class).stream().map(ServiceLoader.Provider::get))
                .anySatisfy(p -> {
                    assertThat(p).isInstanceOf(LinuxAddressManagerProvider.class);
                    assertThat(p.type()).isEqualTo("basic");
                    assertThat(p.spiVersion()).isEqualTo(AddressManagerProvider.SPI_VERSION);
                });
    }

    @Test
    void createNamesAMissingInterface() throws Exception {
        // a read-only lookup in the test's own namespace: nothing is changed
        VipConfig config = VipConfig.builder().ip(InetAddress.getByName("198.51.100.10")).netmask(24)
                .interfaceName("vip4jnosuch0").triggerKey("/service/test/leader").build();
        assertThatThrownBy(() -> new LinuxAddressManagerProvider().create(config))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("interface vip4jnosuch0 does not exist");
    }
}
