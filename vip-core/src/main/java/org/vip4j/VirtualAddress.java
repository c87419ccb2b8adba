package org.vip4j;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Objects;

/**
 * The address this node holds while it leads: an IPv4 or IPv6 address, its prefix length and the
 * interface it belongs on.
 *
 * @param address       the virtual IP
 * @param prefixLength  0..32 for IPv4, 0..128 for IPv6
 * @param interfaceName the Linux interface name, e.g. {@code eth0}
 */
public record VirtualAddress(InetAddress address, int prefixLength, String interfaceName) {

    public VirtualAddress {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(interfaceName, "interfaceName");
        int max = address instanceof Inet4Address ? 32 : 128;
        if (prefixLength < 0 || prefixLength > max) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " is out of range 0.." + max
                    + " for " + address.getHostAddress());
        }
        if (interfaceName.isBlank()) {
            throw new IllegalArgumentException("interface name is empty");
        }
    }

    public boolean isIpv6() {
        return !(address instanceof Inet4Address);
    }

    /** {@code 198.51.100.100/24}: the form {@code ip addr} prints. */
    public String cidr() {
        return address.getHostAddress() + "/" + prefixLength;
    }

    @Override
    public String toString() {
        return cidr() + " on " + interfaceName;
    }
}
