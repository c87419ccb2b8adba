package org.vip4j.dcs.patroni;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.vip4j.spi.DcsClientProvider;

class PatroniProviderTest {

    @Test
    void isFoundByServiceLoaderAsTypePatroni() {
        assertThat(ServiceLoader.load(DcsClientProvider.class).stream().map(ServiceLoader.Provider::get))
                .filteredOn(p -> p.type().equals("patroni"))
                .singleElement()
                .isInstanceOf(PatroniDcsProvider.class);
    }
}
