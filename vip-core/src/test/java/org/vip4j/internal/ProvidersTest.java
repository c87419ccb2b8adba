package org.vip4j.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.vip4j.VipConfigException;

/**
 * Provider lookup against the test class path's META-INF/services: one "memory" DCS provider, two providers of
 * type "twin", and an entry naming a class that does not exist.
 */
class ProvidersTest {

    @Test
    void findsTheProviderOfTheTypeAskedFor() {
        assertThat(Providers.dcs("memory")).isInstanceOf(TestProviders.Memory.class);
    }

    @Test
    void aMissingTypeNamesWhatWasAskedWhatWasFoundAndTheModule() {
        assertThatThrownBy(() -> Providers.dcs("etcd")).isInstanceOf(VipConfigException.class)
                .hasMessageContaining("dcs-type=etcd: no DcsClientProvider of that type on the class path")
                .hasMessageContaining("found: [memory, twin]")
                .hasMessageContaining("add the module org.vip4j:vip-dcs-etcd");
        assertThatThrownBy(() -> Providers.addressManager("basic")).isInstanceOf(VipConfigException.class)
                .hasMessageContaining("manager-type=basic").hasMessageContaining("found: none")
                .hasMessageContaining("org.vip4j:vip-net-linux");
    }

    @Test
    void twoProvidersOfOneTypeAreAnErrorListingBoth() {
        assertThatThrownBy(() -> Providers.dcs("twin")).isInstanceOf(VipConfigException.class)
                .hasMessageContaining("2 providers of that type")
                .hasMessageContaining(TestProviders.TwinA.class.getName())
                .hasMessageContaining(TestProviders.TwinB.class.getName());
    }
}
