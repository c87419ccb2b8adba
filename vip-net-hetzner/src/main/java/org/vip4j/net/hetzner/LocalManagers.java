package org.vip4j.net.hetzner;

import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import org.vip4j.VipConfig;
import org.vip4j.spi.AddressManager;
import org.vip4j.spi.AddressManagerProvider;

/**
 * The local interface's manager ({@code manager-type: basic}, from vip-net-linux), found with ServiceLoader rather
 * than imported: adapters do not depend on each other, and a host that configures the address statically needs no
 * netlink at all.
 */
final class LocalManagers {

    static final String TYPE = "basic";

    private LocalManagers() {
    }

    static AddressManager create(VipConfig config, String variable) {
        ServiceLoader<AddressManagerProvider> loader = ServiceLoader.load(AddressManagerProvider.class,
                LocalManagers.class.getClassLoader());
        for (var it = loader.iterator(); ; ) {
            AddressManagerProvider p;
            try {
                if (!it.hasNext()) {
                    break;
                }
                p = it.next();
            } catch (ServiceConfigurationError e) {
                continue; // the core's lookup reports broken providers; here only "basic" matters
            }
            if (p.type().equals(TYPE)) {
                return p.create(config);
            }
        }
        throw new IllegalStateException(variable + "=basic: no address manager of type basic on the class path; add "
                + "the module org.vip4j:vip-net-linux, or set " + variable + "=none when the address is configured on "
                + config.interfaceName() + " already");
    }
}
