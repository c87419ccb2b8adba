package org.vip4j.net.linux;

import org.vip4j.VipConfig;
import org.vip4j.spi.AddressManager;
import org.vip4j.spi.AddressManagerProvider;

/**
 * {@code manager-type: basic}: adds and removes the VIP with rtnetlink and announces it with gratuitous ARP or
 * unsolicited neighbour advertisements, all from the JVM (jnr-ffi), no {@code ip} or {@code arping} processes.
 * Needs CAP_NET_ADMIN and CAP_NET_RAW; {@link #create} checks them and the interface at once.
 *
 * <p>The sockets belong to the network namespace of the thread that calls {@link #create}.
 */
public final class LinuxAddressManagerProvider implements AddressManagerProvider {

    @Override
    public String type() {
        return "basic";
    }

    @Override
    public AddressManager create(VipConfig config) {
        return LinuxAddressManager.open(config.interfaceName(), config.takeoverTimeout(), Announcer.DEFAULT_SCHEDULE);
    }
}
