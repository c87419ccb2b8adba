package org.vip4j.net.hetzner;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vip4j.VirtualAddress;
import org.vip4j.spi.AddressManager;
import org.vip4j.spi.Subscription;

/**
 * A VIP that a provider's API routes, not ARP: present means the provider routes the IP to this server (and, with a
 * local manager, the address is on the interface too); add asks the provider to route it here; remove lets go of it
 * here and leaves the route for the next holder to move. Answers of the provider are kept per VIP, so the interval reconcile, which accepts an answer up
 * to {@code maxAge} old, asks the API at most once per {@code refresh} instead of every interval: the APIs are rate
 * limited per account and shared with the other nodes.
 */
final class RoutedAddressManager implements AddressManager {

    private static final Logger LOG = LoggerFactory.getLogger(RoutedAddressManager.class);

    /** One answer of the provider and when it came, on the monotonic clock. */
    private record Look(boolean routedHere, String target, long atNanos) {
    }

    private final FailoverRouter router;
    private final Optional<AddressManager> local;
    private final long callNanos;
    private final Duration refresh;
    private final Map<VirtualAddress, Look> looks = new ConcurrentHashMap<>();
    /** VIPs this node let go of while the provider keeps routing them here (the Robot): absent for the machine. */
    private final Set<VirtualAddress> released = ConcurrentHashMap.newKeySet();

    /**
     * @param callTimeout bound on one call, all of its requests together (the manager's takeover-timeout)
     * @param refresh     the oldest answer the interval reconcile may be given, whatever smaller age it asks for
     */
    RoutedAddressManager(FailoverRouter router, Optional<AddressManager> local, Duration callTimeout,
                         Duration refresh) {
        this.router = router;
        this.local = local;
        this.callNanos = callTimeout.toNanos();
        this.refresh = refresh;
    }

    @Override
    public boolean isPresent(VirtualAddress vip) throws IOException {
        return present(vip, look(vip));
    }

    @Override
    public boolean isPresent(VirtualAddress vip, Duration maxAge) throws IOException {
        Look last = looks.get(vip);
        long limit = Math.max(maxAge.toNanos(), refresh.toNanos());
        if (last != null && System.nanoTime() - last.atNanos() <= limit) {
            return present(vip, last);
        }
        return present(vip, look(vip));
    }

    @Override
    public void add(VirtualAddress vip) throws IOException {
        long deadline = System.nanoTime() + callNanos;
        if (local.isPresent()) {
            local.get().add(vip); // first, so that the first packet the new route brings finds the address
        }
        Routing before = router.lookup(vip, deadline);
        released.remove(vip);
        if (before.here()) {
            looks.put(vip, new Look(true, before.target(), System.nanoTime()));
            LOG.info("{}: {} is already routed to this server ({}); nothing to move", router.service(), vip.host(),
                    router.thisServer());
            return;
        }
        long start = System.nanoTime();
        router.routeHere(vip, deadline);
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        looks.put(vip, new Look(true, router.thisServer(), System.nanoTime()));
        LOG.info("{}: routed {} to this server ({}) in {} ms; it was routed to {}", router.service(), vip.host(),
                router.thisServer(), ms, before.target());
    }

    @Override
    public void remove(VirtualAddress vip) throws IOException {
        if (local.isPresent()) {
            local.get().remove(vip);
        }
        // the route stays: the next holder's call moves it (an unassign here could cross that call and take the
        // IP from the next holder, or leave it on no server); to the state machine the VIP is gone from this node
        if (released.add(vip)) {
            LOG.info("{}: let go of {} on this server ({}); the provider routes it here until the next holder routes "
                    + "it to itself (vip4j never unroutes: that could leave it on no server)", router.service(),
                    vip.host(), router.thisServer());
        } else {
            LOG.debug("{}: {} already let go of on this server", router.service(), vip.host());
        }
    }

    /** Routing moves the address for the provider's network; a local address is announced by the local manager. */
    @Override
    public void announce(VirtualAddress vip) throws IOException {
        if (local.isPresent()) {
            local.get().announce(vip);
        }
    }

    /**
     * Nothing on a routed network announces the next holder (the provider moves the IP without a gratuitous ARP an
     * old holder could hear), so there is no claim to wait for: the handover grace runs out and the old holder lets
     * go then. No thread is started for that.
     */
    @Override
    public Subscription watchForClaim(VirtualAddress vip, Duration every, Consumer<String> onClaim) {
        return () -> { };
    }

    @Override
    public void close() {
        local.ifPresent(AddressManager::close);
    }

    private Look look(VirtualAddress vip) throws IOException {
        Routing r = router.lookup(vip, System.nanoTime() + callNanos);
        Look look = new Look(r.here(), r.target(), System.nanoTime());
        Look before = looks.put(vip, look);
        if (before != null && !before.target().equals(look.target())) {
            LOG.info("{}: {} is now routed to {} (was {})", router.service(), vip.host(), look.target(),
                    before.target());
        }
        if (!r.here()) {
            released.remove(vip); // someone else holds it now: a later routing back here is news again
        }
        return look;
    }

    private boolean present(VirtualAddress vip, Look look) throws IOException {
        if (!look.routedHere() || released.contains(vip)) {
            return false;
        }
        return local.isEmpty() || local.get().isPresent(vip);
    }

    @Override
    public String toString() {
        return router.service() + " manager for " + router.thisServer();
    }
}
