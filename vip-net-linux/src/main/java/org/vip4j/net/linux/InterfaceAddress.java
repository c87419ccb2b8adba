package org.vip4j.net.linux;

import java.net.InetAddress;

/** One address of an interface, as an RTM_GETADDR dump lists it. */
record InterfaceAddress(InetAddress address, int prefixLength, int interfaceIndex) {

    String cidr() {
        return address.getHostAddress() + "/" + prefixLength;
    }
}
