package org.vip4j.net.linux;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
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

    /**
     * Asks rtnetlink, which knows every interface of this network namespace, also one without any address (the JDK's
     * {@code NetworkInterface} lists only interfaces that have one, so on a host without IPv6 it misses an interface
     * that is up and waiting for its first address: the VIP). Reading links needs no capability.
     */
    @Override
    public Optional<String> interfaceProblem(String name) {
        try (RtNetlink netlink = RtNetlink.open(Duration.ofSeconds(1))) {
            try {
                netlink.link(name);
                return Optional.empty();
            } catch (NativeException e) {
                if (e.errno() != Errno.ENODEV) {
                    return Optional.empty(); // create() reports it with the errno
                }
            }
            return Optional.of("no such interface in this network namespace; found: " + netlink.linkNames());
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // no netlink here: create() says why
        }
    }
}
