package org.vip4j.dcs.consul;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.vip4j.spi.DcsClientProvider;

class ConsulProviderTest {

    @Test
    void isFoundByServiceLoaderAsTypeConsul() {
        assertThat(ServiceLoader.load(DcsClientProvider.class).stream().map(ServiceLoader.Provider::get))
                .filteredOn(p -> p.type().equals("consul"))
                .singleElement()
                .isInstanceOf(ConsulDcsProvider.class)
                .extracting(DcsClientProvider::spiVersion).isEqualTo(DcsClientProvider.SPI_VERSION);
    }
}
