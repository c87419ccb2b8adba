package org.vip4j.spi;

import java.net.InetAddress;
import java.util.Objects;

/**
 * What an {@link AddressManager} saw change on the VIP's interface, as the kernel reported it (rtnetlink), whoever
 * made the change: vip4j itself, an operator's {@code ip addr del}, a cable.
 *
 * @param kind    what changed
 * @param address the address added or removed; null for link changes
 */
public record InterfaceChange(Kind kind, InetAddress address) {

    /** The kinds of change. */
    public enum Kind {
        ADDRESS_ADDED,
        ADDRESS_REMOVED,
        /** The link came back (carrier up, interface up); announcements sent while it was down were lost. */
        LINK_UP,
        LINK_DOWN,
        /**
         * The interface was deleted, and its addresses with it (a VLAN or bond re-created by the network service);
         * {@link #LINK_UP} follows when one of the same name exists and runs again.
         */
        INTERFACE_REMOVED
    }

    public InterfaceChange {
        Objects.requireNonNull(kind, "kind");
    }
}
