package org.vip4j.net.linux;

/**
 * What the kernel says about one interface.
 *
 * @param index interface index
 * @param name  interface name
 * @param flags IFF_* flags
 * @param mac   hardware address (6 bytes on Ethernet; empty for interfaces without one)
 */
record LinkInfo(int index, String name, int flags, byte[] mac) {

    static final int IFF_UP = 0x1;

    boolean isUp() {
        return (flags & IFF_UP) != 0;
    }

    String macText() {
        return Macs.format(mac);
    }
}
