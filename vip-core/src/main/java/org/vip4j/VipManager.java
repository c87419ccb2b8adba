package org.vip4j;

import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.vip4j.internal.AddressCalls;
import org.vip4j.internal.Cancellable;
import org.vip4j.internal.Confirmer;
import org.vip4j.internal.Election;
import org.vip4j.internal.ElectionRules;
import org.vip4j.internal.EventLoop;
import org.vip4j.internal.HostCheck;
import org.vip4j.internal.ListenerRegistry;
import org.vip4j.internal.PromoteCheck;
import org.vip4j.internal.Providers;
import org.vip4j.internal.SerialExecutor;
import org.vip4j.internal.SharedByKey;
import org.vip4j.internal.SharingKeys;
import org.vip4j.internal.Ticker;
import org.vip4j.internal.Transitions;
import org.vip4j.internal.VipStateMachine;
import org.vip4j.spi.AddressManager;
import org.vip4j.spi.DcsClient;
import org.vip4j.spi.DcsElections;
import org.vip4j.spi.DcsWatch;
import org.vip4j.spi.LeaderObservation;
import org.vip4j.spi.Subscription;

/**
 * Keeps one virtual IP on this node while, and only while, the DCS names this node as leader.
 *
 * <pre>{@code
 * try (VipManager vip = VipManager.builder().config(cfg).build()) {
 *     vip.addListener(e -> System.out.println(e.kind() + ": " + e.reason()));
 *     vip.start();
 *     ...
 * } // close() removes the VIP if this node holds it
 * }</pre>
 *
 * <p>{@link #start()} works once. {@link #close()} is the only way out, is idempotent, removes the VIP (unless built
 * with {@link Builder#keepVipOnClose(boolean)}) and waits a bounded time. A manager's decisions are taken one at a
 * time, in order, on the threads of its {@link VipRuntime} (by default {@link VipRuntime#shared()}, which every
 * manager of the process shares); the methods here only post to it, so they may be called from any thread,
 * listeners included.
 */
public final class VipManager implements AutoCloseable {

    private enum Lifecycle { LATENT, STARTED, CLOSED }

    private static final Duration PROMOTE_TIMEOUT = Duration.ofMillis(200);

    private final AtomicReference<Lifecycle> lifecycle = new AtomicReference<>(Lifecycle.LATENT);
    private final VipConfig config;
    private final VipRuntime runtime;
    private final DcsClient dcs;
    /** null when the client was given to the builder (not ours to close). */
    private final SharedByKey<SharingKeys.Dcs, DcsClient>.Lease dcsLease;
    private final AddressManager addressManager;
    /** null when the address manager was given to the builder. */
    private final SharedByKey<SharingKeys.Address, AddressManager>.Lease addressLease;
    private final boolean keepVipOnClose;
    private final ListenerRegistry listeners = new ListenerRegistry();
    /** Where listeners registered without an executor run: in order, off the decision threads. */
    private final SerialExecutor events;
    private final EventLoop loop;
    private final AddressCalls addressCalls;
    private final VipStateMachine machine;
    /** null when promote-check is off. */
    private final PromoteCheck promoteCheck;
    private volatile DcsWatch watch;
    private volatile Subscription interfaceWatch;
    /** The campaign of an elected VIP ({@code election: true}), else null. */
    private final Election election;
    /** The DCS as the state machine sees it: {@link #dcs} itself, or an elected VIP's view of its election key. */
    private final DcsClient view;

    private VipManager(Builder b) {
        this.config = b.config;
        this.keepVipOnClose = b.keepVipOnClose;
        this.runtime = b.runtime == null ? VipRuntime.shared() : b.runtime;
        if (runtime.isClosed()) {
            throw new IllegalStateException("VipManager for " + config.virtualAddress() + ": its VipRuntime is closed");
        }
        this.addressLease = b.addressManager == null ? runtime.addressManager(config) : null;
        this.addressManager = addressLease == null ? b.addressManager : addressLease.get();
        try {
            this.dcsLease = b.dcsClient == null ? runtime.dcsClient(config) : null;
        } catch (RuntimeException e) {
            if (addressLease != null) {
                addressLease.close();
            }
            throw e;
        }
        this.dcs = dcsLease == null ? b.dcsClient : dcsLease.get();
        DcsElections elections = null;
        if (config.election()) {
            try {
                elections = electionsOf(dcs, config);
            } catch (VipConfigException e) {
                if (dcsLease != null) {
                    dcsLease.close();
                }
                if (addressLease != null) {
                    addressLease.close();
                }
                throw e;
            }
        }
        this.events = new SerialExecutor(runtime.threads().events());
        // every deadline on the monotonic ticker; wall time only stamps the events people read
        Ticker ticker = Ticker.system();
        this.loop = new EventLoop(ticker);
        this.addressCalls = new AddressCalls(addressManager, config.virtualAddress(), config.takeoverTimeout(),
                runtime.threads().addressCalls());
        Transitions transitions = new Transitions(config.virtualAddress(), config.triggerValue(),
                Clock.system(ZoneOffset.UTC), listeners);
        this.election = elections == null ? null : new Election(config, dcs, elections, ticker, runtime.threads(),
                transitions, this::state);
        // an elected VIP's manager sees the election key through the campaign: it names this node only while held
        this.view = election == null ? dcs : election.gate();
        this.promoteCheck = config.promoteCheck().map(PromoteCheck::http).orElse(null);
        Confirmer confirmer = Confirmer.of(view, this::requestConfirm);
        this.machine = new VipStateMachine(config, ticker, addressCalls, this::askProbe, confirmer,
                this::watchSuccessor, transitions, promoteCheck == null ? null : this::askPromoted);
        loop.attach(machine);
    }

    private static DcsElections electionsOf(DcsClient dcs, VipConfig config) {
        return dcs.elections().orElseThrow(() -> new VipConfigException(List.of(
                ElectionRules.unsupported(config.dcsType()))));
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Creates a DCS client for {@code config}'s {@code dcs-type} and DCS settings, to share among several managers
     * (one per VIP) through {@link Builder#dcsClient}. The caller closes it after the managers. Managers built without
     * a client share one per distinct DCS configuration through their {@link VipRuntime} anyway; this is for callers
     * that want the client's lifetime in their own hands.
     *
     * @throws VipConfigException when no provider, or more than one, answers to {@code dcs-type}
     */
    public static DcsClient createDcsClient(VipConfig config) {
        return Providers.dcs(config.dcsType()).create(config);
    }

    /**
     * Everything that would stop a manager for this configuration from starting on this host, all at once: the
     * configuration's own problems (those {@link VipConfig.Builder#build()} would throw), a {@code dcs-type} or
     * {@code manager-type} that no provider on the class or module path answers to, and an interface the address
     * manager cannot use. Connects to nothing and changes nothing on the host ({@code vip4j check} is this); the
     * builder can be built afterwards.
     *
     * @return each problem as {@code key=value: what is wrong}; empty when a manager would start
     */
    public static List<String> check(VipConfig.Builder config) {
        return HostCheck.problems(config.layers());
    }

    /**
     * Starts following the leader key.
     *
     * @throws IllegalStateException if the manager was already started or closed
     */
    public void start() {
        if (!lifecycle.compareAndSet(Lifecycle.LATENT, Lifecycle.STARTED)) {
            throw new IllegalStateException("VipManager for " + config.virtualAddress() + " cannot be started: it is "
                    + lifecycle.get().name().toLowerCase(java.util.Locale.ROOT) + "; a manager starts once");
        }
        addressCalls.warmUpReleaseOnClaim(VipStateMachine.HANDOVER_PROBE_EVERY, reportHandedOver(0));
        loop.start(runtime.threads());
        interfaceWatch = addressManager.watchInterface(config.interfaceName(),
                change -> loop.post(() -> machine.onInterfaceChange(change)));
        if (election != null) {
            election.start();
        }
        watch = view.watch(config.triggerKey(), obs -> loop.post(() -> machine.onObservation(obs)));
    }

    /** The current state; events describing later changes may still be on their way to listeners. */
    public VipState state() {
        return machine.state();
    }

    /** The configuration this manager was built with. */
    public VipConfig config() {
        return config;
    }

    /** Whether the loop thread is alive (for health checks). */
    public boolean isRunning() {
        return loop.isRunning();
    }

    /**
     * Adds a listener called with this manager's events in order, on the runtime's event threads (shared with the
     * other managers' listeners, off the decision threads). A listener that blocks delays later events, never a
     * decision; one that blocks for long should take an executor of its own.
     */
    public void addListener(VipListener listener) {
        listeners.add(listener, events);
    }

    /** Adds a listener called through {@code executor}; events stay in order if the executor runs tasks in order. */
    public void addListener(VipListener listener, Executor executor) {
        listeners.add(listener, Objects.requireNonNull(executor, "executor"));
    }

    public boolean removeListener(VipListener listener) {
        return listeners.remove(listener);
    }

    /**
     * Stops following the key and removes the VIP if this node holds it (unless built to keep it), waiting at most
     * {@code takeover-timeout} plus one second. Idempotent; called from a task of this manager's own loop (a listener
     * given a direct executor) it does not wait.
     */
    @Override
    public void close() {
        Lifecycle before = lifecycle.getAndSet(Lifecycle.CLOSED);
        if (before == Lifecycle.CLOSED) {
            return;
        }
        DcsWatch w = watch;
        if (w != null) {
            w.close();
        }
        Subscription i = interfaceWatch;
        if (i != null) {
            i.close();
        }
        if (before == Lifecycle.STARTED) {
            CompletableFuture<Void> stopped = new CompletableFuture<>();
            loop.post(() -> {
                try {
                    machine.stop(keepVipOnClose);
                } finally {
                    loop.shutdown();
                    stopped.complete(null);
                }
            });
            if (loop.isLoopThread()) {
                // called from a listener: the stop task still needs the address manager, so free it afterwards
                stopped.thenRun(this::releaseResources);
                return;
            }
            awaitStop(stopped);
        }
        releaseResources();
    }

    private void releaseResources() {
        if (election != null) {
            election.close(); // after the VIP is gone: the next holder never overlaps this one
        }
        addressCalls.close();
        if (dcsLease != null) {
            dcsLease.close();
        }
        if (addressLease != null) {
            addressLease.close();
        }
    }

    private void awaitStop(CompletableFuture<Void> stopped) {
        long limit = config.takeoverTimeout().plusSeconds(1).toMillis();
        try {
            stopped.get(limit, TimeUnit.MILLISECONDS);
            loop.awaitTermination(limit);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            org.slf4j.LoggerFactory.getLogger(VipManager.class).warn("VIP {}: close did not finish within {} ms; the "
                    + "VIP may still be on {}", config.virtualAddress(), limit, config.interfaceName());
        }
    }

    private Cancellable watchSuccessor(long ticket) {
        return addressCalls.releaseOnClaim(VipStateMachine.HANDOVER_PROBE_EVERY, reportHandedOver(ticket));
    }

    private AddressCalls.Released reportHandedOver(long ticket) {
        return (owner, failure) -> loop.post(() -> machine.onHandedOver(ticket, owner, failure));
    }

    private void askProbe(long ticket, Duration window) {
        addressCalls.probeLater(window, (owner, failure) -> loop.post(() -> machine.onProbeAnswer(ticket, owner,
                failure)));
    }

    /** Patroni's REST API answers from memory; a question that takes longer is as good as a "no". */
    private void askPromoted(long ticket) {
        CompletableFuture<Boolean> f;
        try {
            f = promoteCheck.isPrimary(PROMOTE_TIMEOUT);
        } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
        }
        f.whenComplete((primary, err) -> loop.post(() -> machine.onPromoteAnswer(ticket,
                Boolean.TRUE.equals(primary), err == null ? null : String.valueOf(unwrap(err)))));
    }

    private static Throwable unwrap(Throwable t) {
        return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    }

    private void requestConfirm(long ticket) {
        Duration timeout = config.keepalivePeriod();
        CompletableFuture<LeaderObservation> f;
        try {
            f = view.confirm(config.triggerKey(), timeout);
        } catch (RuntimeException e) {
            f = CompletableFuture.completedFuture(new LeaderObservation.Unreachable("confirm failed: " + e));
        }
        // the client promises a deadline; this one guards against a client that breaks the promise
        f.completeOnTimeout(new LeaderObservation.Unreachable("no answer within " + timeout.toMillis() + " ms"),
                        timeout.toMillis() + 500, TimeUnit.MILLISECONDS)
                .whenComplete((obs, err) -> loop.post(() -> machine.onConfirmed(ticket, obs != null ? obs
                        : new LeaderObservation.Unreachable("confirm failed: " + err))));
    }

    /** Builds a {@link VipManager}. Not thread-safe. */
    public static final class Builder {

        private VipConfig config;
        private DcsClient dcsClient;
        private AddressManager addressManager;
        private VipRuntime runtime;
        private boolean keepVipOnClose;

        private Builder() {
        }

        /** The configuration (required). */
        public Builder config(VipConfig config) {
            this.config = Objects.requireNonNull(config, "config");
            return this;
        }

        /**
         * A DCS client to use instead of creating one from {@code dcs-type}: lets many managers (one per VIP) share
         * one connection. The manager does not close it.
         */
        public Builder dcsClient(DcsClient client) {
            this.dcsClient = Objects.requireNonNull(client, "client");
            return this;
        }

        /**
         * An address manager to use instead of the runtime's (one per {@code manager-type} and interface, shared by
         * the managers on it). Not closed by the manager.
         */
        public Builder addressManager(AddressManager manager) {
            this.addressManager = Objects.requireNonNull(manager, "manager");
            return this;
        }

        /**
         * The runtime whose threads and DCS clients the manager uses (default {@link VipRuntime#shared()}); close
         * the managers before it.
         */
        public Builder runtime(VipRuntime runtime) {
            this.runtime = Objects.requireNonNull(runtime, "runtime");
            return this;
        }

        /** Leaves the VIP on the interface at {@link #close()} (vip-manager's old behaviour on SIGTERM). */
        public Builder keepVipOnClose(boolean keep) {
            this.keepVipOnClose = keep;
            return this;
        }

        /**
         * Finds the providers (unless instances were given) and creates the manager, not yet started.
         *
         * @throws VipConfigException when no provider, or more than one, answers to {@code dcs-type} or
         *                            {@code manager-type}
         * @throws IllegalStateException when a provider cannot work here (e.g. missing CAP_NET_ADMIN)
         */
        public VipManager build() {
            if (config == null) {
                throw new IllegalStateException("VipManager.builder() needs config(...)");
            }
            return new VipManager(this);
        }
    }
}
