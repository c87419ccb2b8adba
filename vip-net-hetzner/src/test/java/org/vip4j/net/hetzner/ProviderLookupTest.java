package org.vip4j.net.hetzner;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.vip4j.spi.AddressManagerProvider;

/** Both types are registered for ServiceLoader, as the core's lookup by manager-type finds them. */
class ProviderLookupTest {

    @Test
    void bothTypesAreRegistered() {
        List<String> types = new ArrayList<>();
        ServiceLoader.load(AddressManagerProvider.class).forEach(p -> types.add(p.type()));
        assertThat(types).contains("hetzner", "hetzner-cloud");
    }
}
