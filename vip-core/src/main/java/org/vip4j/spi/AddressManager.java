package org.vip4j.spi;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import org.vip4j.VirtualAddress;

/**
 * Puts the VIP on an interface, takes it off and tells the network. Calls come from one manager thread at a time,
 * under a deadline ({@code takeover-timeout}); an implementation shared by several managers must be thread-safe.
 * Every method is idempotent: adding a present address or removing an absent one is not an error.
 */
public interface AddressManager extends AutoCloseable {

    /** Whether exactly this address (not a prefix or substring of it) is on the VIP's interface. */
    boolean isPresent(VirtualAddress vip) throws IOException;

    /** Adds the address with its prefix length to the interface. */
    void add(VirtualAddress vip) throws IOException;

    /** Removes the address from the interface. */
    void remove(VirtualAddress vip) throws IOException;

    /**
     * Tells the network this host now owns the address: gratuitous ARP (IPv4) or an unsolicited neighbour
     * advertisement (IPv6). Sends the first packet before returning; further packets of a burst may follow from the
     * implementation's own thread.
     */
    void announce(VirtualAddress vip) throws IOException;

    /**
     * Asks the network whether another host answers for the address, waiting at most {@code timeout}.
     *
     * @return a description of the other owner (e.g. its MAC address), or empty when nobody answered
     */
    default Optional<String> probeConflict(VirtualAddress vip, Duration timeout) throws IOException {
        return Optional.empty();
    }

    /** Releases sockets and threads; does not remove any address. Idempotent. */
    @Override
    void close();
}
