package org.vip4j.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.vip4j.VipConfig;
import org.vip4j.VipEvent;
import org.vip4j.VipState;
import org.vip4j.VirtualAddress;
import org.vip4j.spi.LeaderObservation;
import org.vip4j.testing.FakeAddressManager;
import org.vip4j.testing.InMemoryDcs;
import org.vip4j.testing.ManualClock;

/**
 * One node's state machine and loop, run by hand in the test thread with a manual clock: the same code the
 * manager's thread runs, but every step is the test's.
 */
final class Harness implements AutoCloseable {

    static final String KEY = "/service/pg/leader";

    final ManualClock clock = new ManualClock();
    final InMemoryDcs dcs;
    final FakeAddressManager net = new FakeAddressManager();
    final List<VipEvent> events = new ArrayList<>();
    final List<String> logLines = new ArrayList<>();
    final VipConfig config;
    final VirtualAddress vip;
    final EventLoop loop = new EventLoop(clock::millis);
    /** What the promote-check answers, when the config turns it on. */
    volatile boolean primary;
    /** The tickets of the promote-check's questions, in order. */
    final List<Long> promoteQuestions = new ArrayList<>();
    /** When set, questions stay unanswered until {@link #answerPromote}: a slow or hung Patroni REST API. */
    volatile boolean promoteAnswersByHand;
    /** The tickets of the conflict probes sent, in order. */
    final List<Long> probeQuestions = new ArrayList<>();
    /** When set, probes listen until {@link #answerProbe}: a probe window that is still open. */
    volatile boolean probeAnswersByHand;
    final VipStateMachine machine;
    private final AddressCalls calls;
    private volatile long lastConfirmTicket;

    Harness(String node) {
        this(node, b -> b);
    }

    Harness(String node, UnaryOperator<VipConfig.Builder> tweak) {
        this(node, new InMemoryDcs(), tweak);
    }

    Harness(String node, InMemoryDcs dcs, UnaryOperator<VipConfig.Builder> tweak) {
        this.dcs = dcs;
        this.config = tweak.apply(baseConfig(node)).build();
        this.vip = config.virtualAddress();
        ListenerRegistry listeners = new ListenerRegistry();
        listeners.add(events::add, null);
        Transitions transitions = new Transitions(vip, node, clock, listeners,
                (level, line) -> logLines.add(level + " " + line));
        this.calls = new AddressCalls(net, vip, config.takeoverTimeout());
        Confirmer confirmer = Confirmer.of(dcs, this::confirm);
        this.machine = new VipStateMachine(config, clock::millis, calls, this::askProbe, confirmer, this::watchSuccessor,
                transitions, config.promoteCheck().isPresent() ? this::askPromoted : null);
        loop.attach(machine);
    }

    /**
     * The probe listens on the fake at once, in the test thread, and answers as an event like the real one's (so a
     * run of the loop sees it); with {@link #probeAnswersByHand} it waits for {@link #answerProbe}.
     */
    private void askProbe(long ticket, Duration window) {
        probeQuestions.add(ticket);
        if (probeAnswersByHand) {
            return;
        }
        Optional<String> owner = Optional.empty();
        String failure = null;
        try {
            owner = net.probeConflict(vip, window);
        } catch (IOException e) {
            failure = e.getMessage();
        }
        Optional<String> heard = owner;
        String failed = failure;
        loop.post(() -> machine.onProbeAnswer(ticket, heard, failed));
    }

    /** Delivers an answer to conflict probe {@code ticket} (an owner, or nobody when null), and runs. */
    void answerProbe(long ticket, String owner) {
        loop.post(() -> machine.onProbeAnswer(ticket, Optional.ofNullable(owner), null));
        run();
    }

    /** The promote-check answers at once with {@link #primary}, as an event like the real one's. */
    private void askPromoted(long ticket) {
        promoteQuestions.add(ticket);
        if (!promoteAnswersByHand) {
            loop.post(() -> machine.onPromoteAnswer(ticket, primary, null));
        }
    }

    /** Delivers an answer to question {@code ticket} of the promote-check, as its HTTP call would, and runs. */
    void answerPromote(long ticket, boolean isPrimary) {
        loop.post(() -> machine.onPromoteAnswer(ticket, isPrimary, null));
        run();
    }

    static VipConfig.Builder baseConfig(String node) {
        try {
            return VipConfig.builder()
                    .ip(InetAddress.getByName("198.51.100.100")).netmask(24).interfaceName("eth0")
                    .triggerKey(KEY).triggerValue(node);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Starts the watch and runs until nothing is left to do at the current time. */
    Harness start() {
        net.watchInterface(config.interfaceName(), change -> loop.post(() -> machine.onInterfaceChange(change)));
        dcs.watch(KEY, obs -> loop.post(() -> machine.onObservation(obs)));
        return run();
    }

    /**
     * Runs queued tasks and due deadlines until the loop is idle at the current time. Fails when the machine then asks
     * to be woken at or before now: the real loop would spin on that deadline, burning a core.
     */
    Harness run() {
        try {
            do {
                loop.runOnce(0);
                long next = machine.nextWakeMillis();
                if (next <= clock.millis()) {
                    throw new AssertionError("the state machine asks to be woken at " + next + " ms, not after now ("
                            + clock.millis() + " ms), in state " + machine.state() + ": the loop would spin");
                }
            } while (loop.hasPending());
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
        return this;
    }

    /** Moves the clock forward deadline by deadline, running everything due on the way. */
    Harness advance(Duration d) {
        long end = clock.millis() + d.toMillis();
        run();
        while (clock.millis() < end) {
            long next = Math.min(machine.nextWakeMillis(), end);
            clock.advance(Duration.ofMillis(next - clock.millis()));
            run();
        }
        return this;
    }

    VipState state() {
        return machine.state();
    }

    boolean holds() {
        return net.holds(vip);
    }

    List<VipEvent.Kind> kinds() {
        return events.stream().map(VipEvent::kind).toList();
    }

    List<String> transitions() {
        return events.stream().filter(VipEvent::isTransition).map(e -> e.from() + "->" + e.to()).toList();
    }

    void put(String value) {
        dcs.put(KEY, value);
        run();
    }

    void delete() {
        dcs.delete(KEY);
        run();
    }

    private Cancellable watchSuccessor(long ticket) {
        return calls.releaseOnClaim(VipStateMachine.HANDOVER_PROBE_EVERY, (owner, failure) -> loop.post(
                () -> machine.onHandedOver(ticket, owner, failure)));
    }

    /** The ticket of the newest confirmation the machine asked for. */
    long lastConfirmTicket() {
        return lastConfirmTicket;
    }

    private void confirm(long ticket) {
        lastConfirmTicket = ticket;
        dcs.confirm(KEY, config.keepalivePeriod()).whenComplete((obs, err) -> loop.post(() -> machine.onConfirmed(ticket,
                obs != null ? obs : new LeaderObservation.Unreachable(String.valueOf(err)))));
    }

    @Override
    public void close() {
        calls.close();
    }
}
