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
 */
class CampaignPropertiesTest {

    private static final int NODES = 3;
    private static final long TTL = 3_000;
    private static final long RENEW = 1_000;
    private static final long MARGIN = 500; // handover-grace 250 ms + SAFETY 250 ms
    private static final long RETRY = 300;

    @Property(tries = 500)
    void neverTwoHoldersAndOneAfterHealing(@ForAll("steps") List<Integer> steps) {
        World w = new World();
        for (int s : steps) {
            w.step(s);
            w.check();
        }
        int wonBeforeHealing = w.wins;
        w.heal();
        int holders = 0;
        for (Node n : w.nodes) {
            holders += n.campaign.holds(w.now) ? 1 : 0;
        }
        assertThat(holders).as("holders once every node is healthy and the network works").isEqualTo(1);
        Statistics.label("elections won before healing").collect(Math.min(wonBeforeHealing, 5));
    }

    @Provide
    Arbitrary<List<Integer>> steps() {
        return Arbitraries.integers().between(0, 99_999).list().ofMinSize(20).ofMaxSize(400);
    }

    /** A request on its way to the arbiter, or an answer on its way back. */
    private record Message(Campaign.Call call, long sentAt, Object answer, boolean failed) { }

    private static final class Node {
        final String name;
        Campaign campaign;
        boolean healthy;
        final Deque<Message> requests = new ArrayDeque<>();
        final Deque<Message> answers = new ArrayDeque<>();
        final Deque<LeaderObservation> events = new ArrayDeque<>();

        Node(String name) {
            this.name = name;
            this.campaign = fresh(name);
        }

        static Campaign fresh(String name) {
            return new Campaign(name, TTL, RENEW, MARGIN, RETRY, 1, 1);
        }
    }

    private static final class World {
        final List<Node> nodes = new ArrayList<>();
        long now = 1_000_000;
        long revision = 1;
        long nextLease = 100;
        /** Live leases and when each ends on the server. */
        final Map<Long, Long> leases = new HashMap<>();
        String keyValue;
        long keyLease;
        int wins;

        World() {
            for (int i = 0; i < NODES; i++) {
                Node n = new Node("n" + (i + 1));
                nodes.add(n);
                n.events.add(new LeaderObservation.NoLeader(revision));
                n.healthy = true;
                n.campaign.onHealth(true, "ok", now);
            }
            collect();
        }

        void step(int s) {
            Node n = nodes.get((s / 10) % NODES);
            switch (s % 10) {
                case 0 -> {
                    n.healthy = !n.healthy;
                    n.campaign.onHealth(n.healthy, n.healthy ? "ok" : "down", now);
                }
                case 1 -> deliverRequest(n);
                case 2 -> { // a moment in which this node's network works both ways
                    deliverEvent(n);
                    deliverRequest(n);
                    deliverAnswer(n);
                }
                case 3 -> loseRequest(n);
                case 4, 5 -> deliverAnswer(n);
                case 6 -> deliverEvent(n);
                case 7 -> advance(s % 1_500);
                case 8 -> advance(s % 60);
                default -> {
                    if (s % 7 == 0) {
                        crash(n);
                    } else {
                        n.campaign.onHealth(n.healthy, n.healthy ? "ok" : "down", now);
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
                n.campaign.takeNotices();
            }
        }

        void check() {
            for (Node n : nodes) {
                if (n.campaign.holds(now)) {
                    long lease = n.campaign.lease();
                    assertThat(leases.getOrDefault(lease, Long.MIN_VALUE)).as(n.name + " holds: its lease is live")
                            .isGreaterThan(now);
                    assertThat(keyLease).as(n.name + " holds: the key is under its lease").isEqualTo(lease);
                    assertThat(keyValue).isEqualTo(n.name);
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
                            + wake + " in " + n.campaign.phase()).isTrue();
                }
            }
        }

        void expireLeases() {
            leases.entrySet().removeIf(e -> {
                if (e.getValue() <= now) {
                    if (keyLease == e.getKey()) {
                        deleteKey();
                    }
                    return true;
                }
                return false;
            });
        }

        void deleteKey() {
            keyValue = null;
            keyLease = 0;
            revision++;
            for (Node n : nodes) {
                n.events.add(new LeaderObservation.NoLeader(revision));
            }
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
                } else if (keyValue == null) {
                    keyValue = n.name;
                    keyLease = claim.lease();
                    revision++;
                    for (Node o : nodes) {
                        o.events.add(new LeaderObservation.Leader(n.name, revision));
                    }
                    answer = true;
                } else {
                    answer = keyLease == claim.lease();
                }
            } else if (c instanceof Campaign.Call.Renew r) {
                boolean alive = leases.containsKey(r.lease());
                if (alive) {
                    leases.put(r.lease(), now + TTL);
                }
                answer = alive;
            } else {
                long id = ((Campaign.Call.Revoke) c).lease();
                leases.remove(id);
                if (keyLease == id) {
                    deleteKey();
                }
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
            }
        }

        void deliverEvent(Node n) {
            LeaderObservation obs = n.events.poll();
            if (obs != null) {
                n.campaign.onObservation(obs, now);
            }
        }

        /** The process dies: what it sent may still arrive, its answers and watch go nowhere, its leases live on. */
        void crash(Node n) {
            n.campaign = Node.fresh(n.name);
            n.answers.clear();
            n.events.clear();
            n.events.add(keyValue == null ? new LeaderObservation.NoLeader(revision)
                    : new LeaderObservation.Leader(keyValue, revision));
            n.campaign.onHealth(n.healthy, n.healthy ? "ok" : "down", now);
        }

        /** Every node healthy, every message delivered, time enough for stale leases to end. */
        void heal() {
            for (Node n : nodes) {
                if (!n.healthy) {
                    n.healthy = true;
                    n.campaign.onHealth(true, "ok", now);
                }
            }
            for (int round = 0; round < 40; round++) {
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
                    while (!n.events.isEmpty()) {
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
