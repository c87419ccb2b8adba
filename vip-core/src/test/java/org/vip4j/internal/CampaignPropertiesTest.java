package org.vip4j.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import org.vip4j.spi.LeaderObservation;

/**
 * Three nodes campaign for one key against an in-memory arbiter that behaves as etcd does (leases counted on the
 * server from when it gets a request, create-if-absent, a revoke deletes the key, watch events in order), through a
 * network that delays, loses and reorders nothing but what a real one does: requests and answers arrive late or not
 * at all, each node's watch lags, health checks flip, nodes crash and start again (their leases live on), time jumps.
 * After every step: a node that {@link Campaign#holds} has the key under its own live lease on the server, so no two
 * nodes ever hold at once; after a tick the next wake-up is in the future (an answer may ask for a tick at once: a
 * renewal already due). At the end the world heals and exactly one holds.
 *
 * <p>Each node's health round ranks it preferred, fallback or not a candidate at random; fallback holders are asked
 * to give way through the request key, which the arbiter keeps as it keeps the election key. After healing with at
 * least one preferred node, a preferred node holds.
 */
class CampaignPropertiesTest {

    private static final int NODES = 3;
    private static final long TTL = 3_000;
    private static final long RENEW = 1_000;
    private static final long MARGIN = 500; // handover-grace 250 ms + SAFETY 250 ms
    private static final long RETRY = 300;
    private static final long HOLD_DOWN = 2_000;
    private static final long FALLBACK_DELAY = 700;
    private static final String KEY = "k";
    private static final String ASK = "k.preempt";
    private static final Campaign.Standing[] STANDINGS = Campaign.Standing.values();

    @Property(tries = 500)
    void neverTwoHoldersAndOneAfterHealing(@ForAll("steps") List<Integer> steps) {
        World w = new World();
        for (int s : steps) {
            w.step(s);
            w.check();
        }
        int wonBeforeHealing = w.wins;
        w.heal(List.of(Campaign.Standing.PREFERRED, Campaign.Standing.PREFERRED, Campaign.Standing.PREFERRED));
        int holders = 0;
        for (Node n : w.nodes) {
            holders += n.campaign.holds(w.now) ? 1 : 0;
        }
        assertThat(holders).as("holders once every node is healthy and the network works").isEqualTo(1);
        Statistics.label("elections won before healing").collect(Math.min(wonBeforeHealing, 5));
    }

    @Property(tries = 300)
    void aPreferredNodeHoldsOnceTheWorldHeals(@ForAll("steps") List<Integer> steps,
                                              @ForAll("standings") List<Campaign.Standing> healed) {
        World w = new World();
        for (int s : steps) {
            w.step(s);
            w.check();
        }
        w.heal(healed);
        List<String> holders = new ArrayList<>();
        for (Node n : w.nodes) {
            if (n.campaign.holds(w.now)) {
                holders.add(n.name + " " + n.standing);
            }
        }
        assertThat(holders).as("holders after healing to " + healed).singleElement().asString().endsWith("PREFERRED");
        Statistics.label("preemptions").collect(Math.min(w.preemptions, 3));
    }

    @Provide
    Arbitrary<List<Campaign.Standing>> standings() {
        return Arbitraries.of(Campaign.Standing.FALLBACK, Campaign.Standing.PREFERRED).list().ofSize(NODES)
                .filter(l -> l.contains(Campaign.Standing.PREFERRED));
    }

    @Provide
    Arbitrary<List<Integer>> steps() {
        return Arbitraries.integers().between(0, 99_999).list().ofMinSize(20).ofMaxSize(400);
    }

    /** A request on its way to the arbiter, or an answer on its way back. */
    private record Message(Campaign.Call call, long sentAt, Object answer, boolean failed) { }

    /** A key the arbiter keeps: its value and the lease it is under (0 = absent). */
    private static final class Slot {
        String value;
        long lease;
    }

    private static final class Node {
        final String name;
        Campaign campaign;
        Campaign.Standing standing;
        final Deque<Message> requests = new ArrayDeque<>();
        final Deque<Message> answers = new ArrayDeque<>();
        /** One watch per key; each in order, the two not in step. */
        final Map<String, Deque<LeaderObservation>> events = Map.of(KEY, new ArrayDeque<>(), ASK, new ArrayDeque<>());

        Node(String name) {
            this.name = name;
            this.campaign = fresh(name);
        }

        static Campaign fresh(String name) {
            return new Campaign(name, TTL, RENEW, MARGIN, RETRY, 1, 1, HOLD_DOWN, FALLBACK_DELAY);
        }
    }

    private static final class World {
        final List<Node> nodes = new ArrayList<>();
        long now = 1_000_000;
        long revision = 1;
        long nextLease = 100;
        /** Live leases and when each ends on the server. */
        final Map<Long, Long> leases = new HashMap<>();
        final Map<String, Slot> keys = Map.of(KEY, new Slot(), ASK, new Slot());
        int wins;
        int preemptions;

        World() {
            for (int i = 0; i < NODES; i++) {
                Node n = new Node("n" + (i + 1));
                nodes.add(n);
                n.events.get(KEY).add(new LeaderObservation.NoLeader(revision));
                n.events.get(ASK).add(new LeaderObservation.NoLeader(revision));
                n.standing = Campaign.Standing.PREFERRED;
                health(n);
            }
            collect();
        }

        void health(Node n) {
            n.campaign.onHealth(n.standing, n.standing.name(), now);
        }

        void step(int s) {
            Node n = nodes.get((s / 10) % NODES);
            switch (s % 10) {
                case 0 -> {
                    n.standing = STANDINGS[(s / 30) % STANDINGS.length];
                    health(n);
                }
                case 1 -> deliverRequest(n);
                case 2 -> { // a moment in which this node's network works both ways
                    deliverEvent(n);
                    deliverRequest(n);
                    deliverAnswer(n);
                }
                case 3 -> loseRequest(n);
                case 4, 5 -> deliverAnswer(n);
                case 6 -> deliverEvent(n, s / 10_000 % 2 == 0 ? KEY : ASK);
                case 7 -> advance(s % 1_500);
                case 8 -> advance(s % 60);
                default -> {
                    if (s % 7 == 0) {
                        crash(n);
                    } else {
                        health(n);
                    }
                }
            }
            collect();
        }

        /** Every node's new calls go on the wire, stamped with when they were sent. */
        void collect() {
            for (Node n : nodes) {
                for (Campaign.Call c : n.campaign.takeCalls()) {
                    long sentAt = c instanceof Campaign.Call.Renew r ? r.sentAt() : now;
                    n.requests.add(new Message(c, sentAt, null, false));
                }
                for (Campaign.Notice notice : n.campaign.takeNotices()) {
                    preemptions += notice.kind() == org.vip4j.VipEvent.Kind.PREEMPTED ? 1 : 0;
                }
            }
        }

        void check() {
            for (Node n : nodes) {
                if (n.campaign.holds(now)) {
                    long lease = n.campaign.lease();
                    assertThat(leases.getOrDefault(lease, Long.MIN_VALUE)).as(n.name + " holds: its lease is live")
                            .isGreaterThan(now);
                    Slot key = keys.get(KEY);
                    assertThat(key.lease).as(n.name + " holds: the key is under its lease").isEqualTo(lease);
                    assertThat(ElectionValue.parse(key.value).name()).isEqualTo(n.name);
                }
            }
        }

        void advance(long ms) {
            now += ms;
            expireLeases();
            for (Node n : nodes) {
                if (n.campaign.nextWakeMillis() <= now) {
                    n.campaign.onTick(now);
                    long wake = n.campaign.nextWakeMillis();
                    assertThat(wake == Campaign.NEVER || wake > now).as(n.name + " woken at " + now + " asks for "
                            + wake + " in " + n.campaign.phase() + " " + n.campaign.debugState()).isTrue();
                }
            }
        }

        void expireLeases() {
            leases.entrySet().removeIf(e -> {
                if (e.getValue() <= now) {
                    deleteUnder(e.getKey());
                    return true;
                }
                return false;
            });
        }

        /** A lease ended: the keys under it go. */
        void deleteUnder(long lease) {
            for (Map.Entry<String, Slot> k : keys.entrySet()) {
                if (k.getValue().lease == lease) {
                    k.getValue().value = null;
                    k.getValue().lease = 0;
                    revision++;
                    for (Node n : nodes) {
                        n.events.get(k.getKey()).add(new LeaderObservation.NoLeader(revision));
                    }
                }
            }
        }

        /** Create-if-absent under a live lease: true when the key is now that lease's. */
        boolean claim(String k, String value, long lease) {
            Slot slot = keys.get(k);
            if (slot.lease == 0) {
                slot.value = value;
                slot.lease = lease;
                revision++;
                for (Node o : nodes) {
                    o.events.get(k).add(new LeaderObservation.Leader(value, revision));
                }
                return true;
            }
            return slot.lease == lease;
        }

        void deliverRequest(Node n) {
            Message m = n.requests.poll();
            if (m == null) {
                return;
            }
            Campaign.Call c = m.call();
            Object answer;
            boolean failed = false;
            if (c instanceof Campaign.Call.Grant) {
                long id = nextLease++;
                leases.put(id, now + TTL);
                answer = id;
            } else if (c instanceof Campaign.Call.Claim claim) {
                if (!leases.containsKey(claim.lease())) {
                    answer = null;
                    failed = true; // etcd: "requested lease not found"
                } else {
                    answer = claim(KEY, claim.value(), claim.lease());
                }
            } else if (c instanceof Campaign.Call.AskToYield) {
                long id = nextLease++; // the driver's grant and claim, as one
                leases.put(id, now + TTL);
                answer = new long[] {id, claim(ASK, n.name, id) ? 1 : 0};
            } else if (c instanceof Campaign.Call.Renew r) {
                boolean alive = leases.containsKey(r.lease());
                if (alive) {
                    leases.put(r.lease(), now + TTL);
                }
                answer = alive;
            } else {
                long id = ((Campaign.Call.Revoke) c).lease();
                leases.remove(id);
                deleteUnder(id);
                answer = null;
            }
            n.answers.add(new Message(c, m.sentAt(), answer, failed));
        }

        void loseRequest(Node n) {
            Message m = n.requests.poll();
            if (m != null) {
                n.answers.add(new Message(m.call(), m.sentAt(), null, true));
            }
        }

        void deliverAnswer(Node n) {
            Message m = n.answers.poll();
            if (m == null) {
                return;
            }
            Campaign c = n.campaign;
            if (m.call() instanceof Campaign.Call.Grant g) {
                if (m.failed()) {
                    c.onGrantFailed(g.ticket(), "lost", now);
                } else {
                    c.onGranted(g.ticket(), (Long) m.answer(), now);
                }
            } else if (m.call() instanceof Campaign.Call.Claim claim) {
                if (m.failed()) {
                    c.onClaimFailed(claim.lease(), "lost", now);
                } else {
                    boolean won = (Boolean) m.answer();
                    c.onClaimed(claim.lease(), won, now);
                    wins += won && c.holds(now) ? 1 : 0;
                }
            } else if (m.call() instanceof Campaign.Call.Renew r) {
                if (m.failed()) {
                    c.onRenewFailed(r.lease(), "lost", now);
                } else {
                    c.onRenewed(r.lease(), r.sentAt(), (Boolean) m.answer(), now);
                }
            } else if (m.call() instanceof Campaign.Call.AskToYield a) {
                if (m.failed()) {
                    c.onAskFailed(a.ticket(), "lost", now);
                } else {
                    long[] r = (long[]) m.answer();
                    c.onAsked(a.ticket(), r[0], r[1] == 1, now);
                }
            }
        }

        void deliverEvent(Node n) {
            deliverEvent(n, KEY);
            deliverEvent(n, ASK);
        }

        void deliverEvent(Node n, String k) {
            LeaderObservation obs = n.events.get(k).poll();
            if (obs != null) {
                if (k.equals(KEY)) {
                    n.campaign.onObservation(obs, now);
                } else {
                    n.campaign.onRequestObservation(obs, now);
                }
            }
        }

        LeaderObservation current(String k) {
            Slot slot = keys.get(k);
            return slot.lease == 0 ? new LeaderObservation.NoLeader(revision)
                    : new LeaderObservation.Leader(slot.value, revision);
        }

        /** The process dies: what it sent may still arrive, its answers and watch go nowhere, its leases live on. */
        void crash(Node n) {
            n.campaign = Node.fresh(n.name);
            n.answers.clear();
            for (String k : List.of(KEY, ASK)) {
                n.events.get(k).clear();
                n.events.get(k).add(current(k));
            }
            health(n);
        }

        /** Every node ranked as given, every message delivered, time enough for stale leases and hold-downs to end. */
        void heal(List<Campaign.Standing> healed) {
            for (int i = 0; i < NODES; i++) {
                Node n = nodes.get(i);
                n.standing = healed.get(i);
                health(n);
            }
            for (int round = 0; round < 60; round++) {
                for (Node n : nodes) {
                    health(n);
                }
                collect();
                for (Node n : nodes) {
                    while (!n.requests.isEmpty()) {
                        deliverRequest(n);
                    }
                }
                for (Node n : nodes) {
                    while (!n.answers.isEmpty()) {
                        deliverAnswer(n);
                    }
                    while (!n.events.get(KEY).isEmpty() || !n.events.get(ASK).isEmpty()) {
                        deliverEvent(n);
                    }
                }
                collect();
                check();
                advance(250);
                collect();
                check();
            }
        }
    }
}
