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

    /** {@code 198.51.100.100/24} or {@code 2001:db8::100/64}: the form {@code ip addr} prints. */
    public String cidr() {
        return host() + "/" + prefixLength;
    }

    /** The address alone, IPv6 in its compact RFC 5952 form ({@code 2001:db8::100}). */
    public String host() {
        if (address instanceof Inet4Address) {
            return address.getHostAddress();
        }
        byte[] b = address.getAddress();
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
        }
        // the longest run of two or more zero groups becomes "::" (the first one on a tie)
        int bestStart = -1;
        int bestLen = 1;
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(groups[i]));
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return cidr() + " on " + interfaceName;
    }
}
