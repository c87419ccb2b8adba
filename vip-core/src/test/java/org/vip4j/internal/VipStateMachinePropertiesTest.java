package org.vip4j.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.vip4j.VipEvent;
import org.vip4j.VipState;
import org.vip4j.testing.FakeAddressManager.Op;

/**
 * The state machine driven by random sequences of what the world does to one node (the key moving, the DCS going
 * away in its three ways, address calls failing, another host answering for the VIP, hand edits, the link, steps of
 * the wall clock, time passing, the process paused) and checked after every step against a model of what the node
 * could have known.
 * The harness itself fails any step after which the machine asks to be woken at or before now.
 *
 * <p>Invariants (DESIGN.md section 4): the VIP is held only within {@code retry-num × keepalive-period} of the
 * last moment a reachable DCS named this node; a key that left this node through a healthy watch is let go at once
 * (a direct move) or within the handover grace (a delete); a node that is not leading has no VIP on its interface;
 * a holder whose address calls work has it there; transitions chain, and no task of the loop ever throws.
 */
class VipStateMachinePropertiesTest {

    private static final String ME = "n1";
    private static final long LEASE_MS = 3_000; // retry-num 3 × keepalive-period 1 s, the defaults
    private static final long GRACE_MS = 250;
    private static final long RETRY_MS = 3_000;
    private static final long KEEPALIVE_MS = 1_000;
    private static final long NEVER = -1_000_000_000L; // far in the past, and no overflow in now - NEVER

    @Property(tries = 1000)
    void invariantsHoldAfterEveryStep(@ForAll("worlds") List<Step> steps) {
        try (Harness h = new Harness(ME).start()) {
            runChecked(h, steps);
        }
    }

    /** The same world with promote-check on, its answers (late, never, for an acquisition long gone) random too. */
    @Property(tries = 1000)
    void invariantsHoldWithAPromoteCheck(@ForAll("promoteWorlds") List<Step> steps) {
        try (Harness h = new Harness(ME, b -> b.promoteCheck(URI.create("http://127.0.0.1:8008/primary")))) {
            h.promoteAnswersByHand = true;
            runChecked(h.start(), steps);
            Statistics.label("promote-check").collect(h.promoteQuestions.isEmpty() ? "never asked"
                    : h.kinds().contains(VipEvent.Kind.ACQUIRED) ? "asked, then held" : "asked, never held");
        }
    }

    /**
     * The same world with conflict probes that listen until a step answers them (the latest, or the first ever), so
     * key moves, outages and interface changes land while a probe is out. The key names this node before it starts,
     * so every run begins with the unexplained start-up and its probe.
     */
    @Property(tries = 1000)
    void invariantsHoldWhileProbesListen(@ForAll("probeWorlds") List<Step> steps) {
        try (Harness h = new Harness(ME)) {
            h.probeAnswersByHand = true;
            h.dcs.put(Harness.KEY, ME);
            Model m = new Model();
            m.changed(ME, h.clock.millis());
            runChecked(h.start(), steps, m);
            Statistics.label("probes").collect(h.probeQuestions.isEmpty() ? "none sent"
                    : h.kinds().contains(VipEvent.Kind.ACQUIRED) ? "sent, then held" : "sent, never held");
        }
    }

    private static void runChecked(Harness h, List<Step> steps) {
        runChecked(h, steps, new Model());
    }

    private static void runChecked(Harness h, List<Step> steps, Model m) {
        for (int i = 0; i < steps.size(); i++) {
            Step step = steps.get(i);
            step.apply(h, m);
            h.run();
            check(h, m, step, "after step " + i + " " + step + " of " + steps);
        }
    }

    private static void check(Harness h, Model m, Step step, String where) {
        long now = h.clock.millis();
        VipState state = h.state();
        assertThat(h.loop.taskFailures()).as("a loop task threw, " + where).isZero();
        if (state == VipState.HOLDING && now > m.pauseCheckUntil) {
            assertThat(now - m.lastNamedMe).as("held %d ms after a reachable DCS last named this node, %s",
                    now - m.lastNamedMe, where).isLessThanOrEqualTo(LEASE_MS);
        }
        if (step instanceof Put p && m.movedAwayDirectly) {
            assertThat(state).as("the key moved straight to %s through a healthy watch, %s", p.value(), where)
                    .isNotEqualTo(VipState.HOLDING);
        }
        if (m.leftMeAt != NEVER && !ME.equals(m.delivered) && now - m.leftMeAt > GRACE_MS) {
            assertThat(state).as("the key left this node %d ms ago through a healthy watch, %s", now - m.leftMeAt,
                    where).isNotEqualTo(VipState.HOLDING);
        }
        // a failed add or remove is retried after retry-timeout (TAKEOVER_FAILED, RELEASE_FAILED)
        boolean callsWork = !m.addFails && !m.removeFails && !m.interfaceGone && now - m.callsWorkSince > RETRY_MS;
        if ((state == VipState.STANDBY || state == VipState.DCS_LOST) && callsWork) {
            assertThat(h.holds()).as("VIP on the interface in %s, %s", state, where).isFalse();
        }
        // within a handover grace the old holder does not re-add: the next holder, or the grace's end, settles it
        boolean inGrace = m.leftMeAt != NEVER && !ME.equals(m.delivered) && now - m.leftMeAt <= GRACE_MS;
        if (state == VipState.HOLDING && callsWork && !inGrace) {
            assertThat(h.holds()).as("HOLDING without the VIP on the interface, %s", where).isTrue();
        }
        VipState previous = VipState.STARTING;
        for (VipEvent e : h.events) {
            assertThat(e.from()).as("event %s follows a transition to %s, %s", e, previous, where).isEqualTo(previous);
            previous = e.to();
        }
    }

    /** What the node could have known, kept by the test beside the machine. */
    static final class Model {
        String value;
        /** The value the node was last told (a change made while the DCS was away reaches it only later). */
        String delivered;
        boolean unreachable;
        boolean partitioned;
        boolean hung;
        boolean addFails;
        /** Deleted (every call but remove fails) until created again. */
        boolean interfaceGone;
        boolean removeFails;
        /** Since when add and remove have worked (the start, or the last heal). */
        long callsWorkSince = -1_000_000_000L;
        /** The last moment a reachable DCS could have told this node that the key names it (watch or confirm). */
        long lastNamedMe = NEVER;
        /** When the key stopped naming this node, seen through a watch that stayed healthy since; or NEVER. */
        long leftMeAt = NEVER;
        /** After a pause, one confirmation (at most one keepalive-period) decides before a run-out lease counts. */
        long pauseCheckUntil = NEVER;
        /** The last step moved the key from this node straight to another one, and the watch delivered it. */
        boolean movedAwayDirectly;

        boolean watchDelivers() {
            return !unreachable && !partitioned;
        }

        void changed(String next, long now) {
            String previous = value;
            value = next;
            movedAwayDirectly = false;
            if (!watchDelivers()) {
                return;
            }
            delivered = next;
            if (ME.equals(next)) {
                lastNamedMe = now;
                leftMeAt = NEVER;
            } else if (ME.equals(previous)) {
                leftMeAt = next == null ? now : NEVER; // a direct move must release at once, checked apart
                movedAwayDirectly = next != null;
            }
        }

        void watchLost() {
            // a departure seen before still binds: the grace it started ends when it ends, trouble or not
        }

        void passed(long from, long to) {
            if (watchDelivers() && !hung && ME.equals(value)) {
                lastNamedMe = to; // confirmations answered throughout
            }
        }
    }

    interface Step {
        void apply(Harness h, Model m);
    }

    record Put(String value) implements Step {
        public void apply(Harness h, Model m) {
            m.changed(value, h.clock.millis());
            h.dcs.put(Harness.KEY, value);
        }
    }

    record Delete() implements Step {
        public void apply(Harness h, Model m) {
            m.changed(null, h.clock.millis());
            h.dcs.delete(Harness.KEY);
        }
    }

    record Wait(long millis) implements Step {
        public void apply(Harness h, Model m) {
            m.movedAwayDirectly = false;
            long from = h.clock.millis();
            h.advance(Duration.ofMillis(millis));
            m.passed(from, h.clock.millis());
        }
    }

    /** The process cannot run (SIGSTOP, a VM stall): time passes and no deadline fires until it wakes. */
    record Pause(long millis) implements Step {
        public void apply(Harness h, Model m) {
            m.movedAwayDirectly = false;
            h.clock.advance(Duration.ofMillis(millis));
            long now = h.clock.millis();
            m.pauseCheckUntil = now + KEEPALIVE_MS;
            if (m.watchDelivers() && !m.hung && ME.equals(m.value)) {
                m.lastNamedMe = now; // the confirmation sent on waking is answered at once
            }
        }
    }

    record Dcs(String what) implements Step {
        public void apply(Harness h, Model m) {
            m.movedAwayDirectly = false;
            switch (what) {
                case "down" -> {
                    m.unreachable = true;
                    m.watchLost();
                    h.dcs.goUnreachable("test: etcd down");
                }
                case "partition" -> {
                    m.partitioned = true;
                    m.watchLost();
                    h.dcs.partition();
                }
                case "hang" -> {
                    m.hung = true;
                    h.dcs.hangConfirms();
                }
                default -> {
                    m.unreachable = false;
                    m.partitioned = false;
                    m.hung = false;
                    // the watch delivers the current value again: a departure is news to the node only now
                    long now = h.clock.millis();
                    m.delivered = m.value;
                    if (ME.equals(m.value)) {
                        m.lastNamedMe = now;
                        m.leftMeAt = NEVER;
                    } else if (m.leftMeAt == NEVER) {
                        // a read after an unnoticed gap looks like a watched delete to the node: at most one grace
                        m.leftMeAt = now;
                    }
                    h.dcs.restore();
                }
            }
        }
    }

    record Net(String what) implements Step {
        public void apply(Harness h, Model m) {
            m.movedAwayDirectly = false;
            IOException failure = new IOException("test: netlink says no");
            switch (what) {
                case "add-fails" -> {
                    m.addFails = true;
                    h.net.fail(Op.ADD, failure);
                }
                case "remove-fails" -> {
                    m.removeFails = true;
                    h.net.fail(Op.REMOVE, failure);
                }
                case "heal" -> {
                    m.addFails = false;
                    m.removeFails = false;
                    m.callsWorkSince = h.clock.millis();
                    h.net.heal(Op.ADD);
                    h.net.heal(Op.REMOVE);
                }
                case "other-host-answers" -> h.net.foreignOwner("02:00:00:00:00:99");
                case "nobody-answers" -> h.net.foreignOwner(null);
                case "removed-by-hand" -> h.net.removeBehindTheBack(h.vip);
                case "added-by-hand" -> h.net.addBehindTheBack(h.vip);
                case "link-down" -> h.net.link(false);
                case "link-up" -> {
                    h.net.link(true);
                    // the machine reconnects its DCS client on link up, and a fresh connection ends a hang
                    m.hung = false;
                    m.passed(h.clock.millis(), h.clock.millis());
                }
                case "interface-removed" -> {
                    m.interfaceGone = true;
                    h.net.interfaceRemoved();
                }
                case "interface-created" -> {
                    if (m.interfaceGone) {
                        m.interfaceGone = false;
                        m.callsWorkSince = h.clock.millis();
                        h.net.interfaceCreated();
                        // a new interface comes up with LINK_UP: the same reconnect as a link that is back
                        m.hung = false;
                        m.passed(h.clock.millis(), h.clock.millis());
                    }
                }
                default -> h.clock.stepWall(Duration.ofHours(what.equals("wall-back") ? -1 : 1));
            }
        }
    }

    /**
     * A conflict probe answers with what the segment says now (the fake's foreign owner, if any): the latest probe,
     * or the first ever (by now, likely stale).
     */
    record Probe(String what) implements Step {
        public void apply(Harness h, Model m) {
            m.movedAwayDirectly = false;
            if (h.probeQuestions.isEmpty()) {
                return;
            }
            String owner;
            try {
                owner = h.net.probeConflict(h.vip, Duration.ofMillis(1)).orElse(null);
            } catch (IOException e) {
                owner = null;
            }
            int which = what.equals("latest") ? h.probeQuestions.size() - 1 : 0;
            h.answerProbe(h.probeQuestions.get(which), owner);
        }
    }

    /** The promote-check answers a question: the latest one, or the first ever (by now, likely stale). */
    record Promote(String what) implements Step {
        public void apply(Harness h, Model m) {
            m.movedAwayDirectly = false;
            if (h.promoteQuestions.isEmpty()) {
                return;
            }
            switch (what) {
                case "latest-yes" -> h.answerPromote(h.promoteQuestions.get(h.promoteQuestions.size() - 1), true);
                case "latest-no" -> h.answerPromote(h.promoteQuestions.get(h.promoteQuestions.size() - 1), false);
                default -> h.answerPromote(h.promoteQuestions.get(0), true);
            }
        }
    }

    @Provide
    Arbitrary<List<Step>> promoteWorlds() {
        Arbitrary<Step> promote = Arbitraries.of("latest-yes", "latest-no", "first-yes").map(Promote::new);
        return Arbitraries.frequencyOf(Tuple.of(6, step()), Tuple.of(2, promote)).list().ofMinSize(1).ofMaxSize(40);
    }

    @Provide
    Arbitrary<List<Step>> probeWorlds() {
        Arbitrary<Step> probe = Arbitraries.of("latest", "first").map(Probe::new);
        return Arbitraries.frequencyOf(Tuple.of(6, step()), Tuple.of(2, probe)).list().ofMinSize(1).ofMaxSize(40);
    }

    @Provide
    Arbitrary<List<Step>> worlds() {
        return step().list().ofMinSize(1).ofMaxSize(40);
    }

    private static Arbitrary<Step> step() {
        Arbitrary<Step> put = Arbitraries.of("n1", "n2", "n3").map(Put::new);
        Arbitrary<Step> delete = Arbitraries.just(new Delete());
        Arbitrary<Step> shortWait = Arbitraries.longs().between(1, 300).map(Wait::new);
        Arbitrary<Step> longWait = Arbitraries.longs().between(300, 5_000).map(Wait::new);
        Arbitrary<Step> pause = Arbitraries.longs().between(500, 8_000).map(Pause::new);
        Arbitrary<Step> dcs = Arbitraries.of("down", "partition", "hang", "restore").map(Dcs::new);
        Arbitrary<Step> net = Arbitraries.of("add-fails", "remove-fails", "heal", "other-host-answers",
                "nobody-answers", "removed-by-hand", "added-by-hand", "link-down", "link-up", "interface-removed",
                "interface-created", "wall-back", "wall-forward").map(Net::new);
        return Arbitraries.frequencyOf(Tuple.of(6, put), Tuple.of(3, delete), Tuple.of(6, shortWait),
                Tuple.of(4, longWait), Tuple.of(1, pause), Tuple.of(3, dcs), Tuple.of(4, net));
    }
}
