package org.vip4j.spi;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.vip4j.VirtualAddress;

/**
 * Puts the VIP on an interface, takes it off and tells the network. Calls come from one manager thread at a time,
 * under a deadline ({@code takeover-timeout}); an implementation shared by several managers must be thread-safe.
 * Every method is idempotent: adding a present address or removing an absent one is not an error.
 */
public interface AddressManager extends AutoCloseable {

    /** Whether exactly this address (not a prefix or substring of it) is on the VIP's interface. */
    boolean isPresent(VirtualAddress vip) throws IOException;

    /**
     * As {@link #isPresent(VirtualAddress)}, but the answer may come from a look at the interface made up to
     * {@code maxAge} ago, as long as this manager has not added or removed an address since. The interval reconcile
     * (a safety net behind the interface's notifications) asks this way, so a thousand VIPs on one interface share
     * one look instead of making a thousand. The default looks now.
     */
    default boolean isPresent(VirtualAddress vip, Duration maxAge) throws IOException {
        return isPresent(vip);
    }

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

    /**
     * Listens, off the caller's thread, for another host announcing the address to the whole segment (a gratuitous
     * ARP, a neighbour advertisement to all nodes), checking at least every {@code every}, and calls {@code onClaim}
     * once with a description of that host (as {@link #probeConflict}) from a thread of the implementation; then
     * stops. Closing the returned watch stops it sooner. The old holder in a handover uses it to let go the moment
     * the segment's caches point at the next holder: a claim that only the caller heard (a unicast answer to its own
     * probe) is not enough, since clients would still send to the caller. The listening must leave no gap in which
     * an announcement goes unheard.
     *
     * <p>The default calls {@link #probeConflict} back to back on a daemon thread of its own, which cannot tell an
     * announcement from an answer; implementations that can listen continuously should.
     */
    default Subscription watchForClaim(VirtualAddress vip, Duration every, Consumer<String> onClaim) {
        AtomicBoolean closed = new AtomicBoolean();
        Thread t = new Thread(() -> {
            while (!closed.get()) {
                long start = System.nanoTime();
                Optional<String> owner;
                try {
                    owner = probeConflict(vip, every);
                } catch (IOException e) {
                    return; // the caller's grace deadline ends the handoff
                }
                if (owner.isPresent()) {
                    if (!closed.get()) {
                        onClaim.accept(owner.get());
                    }
                    return;
                }
                // a manager that cannot probe answers at once: pace it instead of spinning
                long left = every.toNanos() - (System.nanoTime() - start);
                if (left > 0) {
                    LockSupport.parkNanos(left);
                }
            }
        }, "vip4j-claims-" + vip.host());
        t.setDaemon(true);
        t.start();
        return () -> closed.set(true);
    }

    /**
     * Reports changes of the interface {@code interfaceName} (addresses added or removed, the link going down or
     * up) to {@code onChange}, from a thread of the implementation, as they happen, until closed. The manager
     * re-checks the interface at once on each report; its {@code interval} check stays as the safety net, so an
     * implementation that cannot watch (the default) loses speed, not correctness.
     */
    default Subscription watchInterface(String interfaceName, Consumer<InterfaceChange> onChange) {
        return () -> { };
    }

    /** Releases sockets and threads; does not remove any address. Idempotent. */
    @Override
    void close();
}
