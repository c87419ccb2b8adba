package org.vip4j;

import java.util.concurrent.atomic.AtomicBoolean;
import org.vip4j.internal.Providers;
import org.vip4j.internal.RuntimeThreads;
import org.vip4j.internal.SharedByKey;
import org.vip4j.internal.SharingKeys;
import org.vip4j.spi.AddressManager;
import org.vip4j.spi.DcsClient;

/**
 * What the {@link VipManager}s of a process share, so that a hundred VIPs cost about what one does: a few decision
 * threads that run every VIP's state machine in turn, one timer thread for their deadlines, the threads of address
 * calls in flight, two threads that deliver events to listeners, one DCS client per distinct DCS configuration and
 * one address manager per interface (for {@code basic}: one netlink socket and one packet socket, whatever the
 * number of VIPs on it). The number of threads does not grow with the number of VIPs.
 *
 * <p>Managers of one runtime share one address manager per interface; those that run on threads in different network
 * namespaces need a runtime each (or address managers passed to their builders). Every manager uses
 * {@link #shared()} unless its builder is given another one; a runtime of one's own
 * ({@link #create()}) keeps one group of VIPs apart from the rest of the process (its own threads, its own DCS
 * connections) and is closed after its managers.
 *
 * <p>A VIP's decisions never wait for another VIP: a state machine waiting on a slow address call hands its
 * decision thread's work to a spare thread started for the time it waits, and listeners run off the decision
 * threads (one manager's events in order).
 */
public final class VipRuntime implements AutoCloseable {

    private static final class Holder {
        static final VipRuntime SHARED = new VipRuntime(false);
    }

    private final RuntimeThreads threads = new RuntimeThreads("vip4j");
    private final SharedByKey<SharingKeys.Dcs, DcsClient> dcsClients =
            new SharedByKey<>("DCS client", DcsClient::close);
    private final SharedByKey<SharingKeys.Address, AddressManager> addressManagers =
            new SharedByKey<>("address manager", AddressManager::close);
    private final boolean closeable;
    private final AtomicBoolean closed = new AtomicBoolean();

    private VipRuntime(boolean closeable) {
        this.closeable = closeable;
    }

    /** The process-wide runtime, created on first use; its threads are daemons and {@link #close()} ignores it. */
    public static VipRuntime shared() {
        return Holder.SHARED;
    }

    /** A runtime of its own; close it after the managers that use it. */
    public static VipRuntime create() {
        return new VipRuntime(true);
    }

    /** How many distinct DCS clients the managers of this runtime hold open (for health checks and tests). */
    public int dcsClientCount() {
        return dcsClients.size();
    }

    /** How many address managers (one per manager type and interface) are open (for health checks and tests). */
    public int addressManagerCount() {
        return addressManagers.size();
    }

    /**
     * Stops this runtime's threads and closes its DCS clients; managers still running on it stop deciding (close
     * them first, so that holders remove their VIPs). Idempotent; does nothing on {@link #shared()}.
     */
    @Override
    public void close() {
        if (!closeable || !closed.compareAndSet(false, true)) {
            return;
        }
        dcsClients.closeAll();
        addressManagers.closeAll();
        threads.close();
    }

    RuntimeThreads threads() {
        return threads;
    }

    /** The DCS client for {@code config}'s DCS settings, made on first use; close the lease when done. */
    SharedByKey<SharingKeys.Dcs, DcsClient>.Lease dcsClient(VipConfig config) {
        return dcsClients.lease(SharingKeys.dcs(config), () -> Providers.dcs(config.dcsType()).create(config));
    }

    /** The address manager for {@code config}'s manager type and interface, made on first use. */
    SharedByKey<SharingKeys.Address, AddressManager>.Lease addressManager(VipConfig config) {
        return addressManagers.lease(SharingKeys.address(config),
                () -> Providers.addressManager(config.managerType()).create(config));
    }

    boolean isClosed() {
        return closed.get();
    }
}
