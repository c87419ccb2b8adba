package org.vip4j.examples;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;

/**
 * The verdict on one Patroni lab run: per switchover or failover, the client's write outage through the VIP and
 * the floor client's (Patroni's own floor), when the leader key moved and when the VIP followed; over the whole
 * run, the periods with no holder and with two, acknowledged writes the final primary does not have, and writes a
 * node accepted after the key had left it.
 */
final class PatroniRun {

    /** One change of the leader key as the watch saw it; {@code value} null for a delete or expiry. */
    record KeyEvent(long micros, String value) {
    }

    /** Marks a time that did not happen. */
    static final long NONE = Long.MIN_VALUE;

    /** What one action did to the clients and the VIP. Times in microseconds; {@link #NONE} when it did not happen. */
    record Outcome(PatroniLab.Action action, long vipOutage, long floorOutage, long keyDeleteToPut, long putToVip,
                   long putToOldOff, long longestGap, long longestOverlap) {
    }

    final String label;
    final List<Outcome> outcomes = new ArrayList<>();
    final SwitchTimeline timeline;
    final List<ClientLog.Ack> lost;
    final List<ClientLog.Ack> lostInCrash = new ArrayList<>();
    final List<ClientLog.Ack> lateWrites = new ArrayList<>();
    final ClientLog vip;
    final ClientLog floor;
    final List<KeyEvent> keys = new ArrayList<>();

    PatroniRun(String label, List<PatroniLab.Action> actions, Path logs, Set<Long> committed) throws Exception {
        this.label = label;
        for (String line : Files.readAllLines(logs.resolve("keys.log"))) {
            String[] p = line.split(" ");
            if (p.length == 2 && p[0].contains(".")) {
                keys.add(new KeyEvent(ClientLog.micros(p[0]), p[1].equals("-") ? null : p[1]));
            }
        }
        List<SwitchTimeline.Write> puts = keys.stream().filter(k -> k.value() != null)
                .map(k -> new SwitchTimeline.Write(k.micros(), k.value())).toList();
        timeline = new SwitchTimeline(List.of(logs.resolve("monitor-n1.log"), logs.resolve("monitor-n2.log"),
                logs.resolve("monitor-n3.log")), Lab.VIP, 1, puts);
        vip = new ClientLog(logs.resolve("client-vip.log"));
        floor = new ClientLog(logs.resolve("client-floor.log"));
        for (int i = 0; i < actions.size(); i++) {
            PatroniLab.Action a = actions.get(i);
            long until = i + 1 < actions.size() ? actions.get(i + 1).micros() : Long.MAX_VALUE;
            outcomes.add(judge(a, until, actions.get(i).kind().equals("failover") ? a.target() : null));
        }
        List<ClientLog.Ack> missing = new ArrayList<>(vip.lost(committed));
        // an asynchronous replica may miss the last commits of a primary killed with SIGKILL: Patroni's and
        // PostgreSQL's business, counted apart from what a switchover must never lose. The crashed primary's own
        // acks from a second before the kill on: its backends outlive a SIGKILLed postmaster by some milliseconds
        // and still commit (seen: an ack 29 ms after the test started the kill)
        for (int i = 0; i < actions.size(); i++) {
            PatroniLab.Action a = actions.get(i);
            long until = i + 1 < actions.size() ? actions.get(i + 1).micros() : Long.MAX_VALUE;
            if (a.kind().equals("failover")) {
                missing.stream().filter(w -> w.node().equals(a.target()) && w.ackMicros() > a.micros() - 1_000_000
                        && w.ackMicros() < until).forEach(lostInCrash::add);
            }
        }
        missing.removeAll(lostInCrash);
        lost = List.copyOf(missing);
        for (ClientLog.Ack w : vip.acks) {
            if (acceptedAfterKeyLeft(w)) {
                lateWrites.add(w);
            }
        }
    }

    private Outcome judge(PatroniLab.Action a, long until, String crashed) {
        KeyEvent delete = keys.stream().filter(k -> k.micros() >= a.micros() && k.micros() < until
                && k.value() == null).findFirst().orElse(null);
        // the leader before the action: in etcd v2 mode Patroni rewrites its key every loop to refresh the TTL,
        // so the watch also prints the old leader's name again; the put that matters names somebody else
        String before = "n1";
        for (KeyEvent k : keys) {
            if (k.micros() < a.micros() && k.value() != null) {
                before = k.value();
            }
        }
        String old = crashed != null ? crashed : before;
        KeyEvent put = keys.stream().filter(k -> k.micros() >= a.micros() && k.micros() < until
                && k.value() != null && !k.value().equals(old)).findFirst().orElse(null);
        long vipOutage = vip.outageAfter(a.micros(), until);
        long floorOutage = floor.outageAfter(a.micros(), until);
        long gap = longest(timeline.gapPeriods, a.micros(), until);
        long overlap = longest(timeline.overlapPeriods, a.micros(), until);
        if (put == null) {
            return new Outcome(a, vipOutage, floorOutage, NONE, NONE, NONE, gap, overlap);
        }
        int newNode = Integer.parseInt(put.value().substring(1));
        // from the action on, not from the put: the lab's key watch is one more watch client and, on a busy machine,
        // may print the put after the new leader's own watch delivered it and the VIP is up (seen: 12 ms late, the
        // VIP 4.4 ms before the printed put); such a put -> VIP is negative, the watch's lag
        Long added = timeline.first(a.micros(), until, newNode, 1);
        Long off = null;
        for (int n = 1; n <= 3; n++) {
            if (n != newNode) {
                Long o = timeline.first(a.micros(), until, n, -1);
                off = o == null ? off : o;
            }
        }
        return new Outcome(a, vipOutage, floorOutage, delete == null ? NONE : put.micros() - delete.micros(),
                added == null ? NONE : added - put.micros(), off == null ? NONE : off - put.micros(), gap, overlap);
    }

    private static long longest(List<long[]> periods, long from, long to) {
        return periods.stream().filter(p -> p[0] >= from && p[0] < to).mapToLong(p -> p[1]).max().orElse(0);
    }

    /**
     * A write committed on node X after the key stopped naming X (and before it named X again): the split brain
     * the whole design exists to prevent. The watch sees each change a little after it happened, so this errs on
     * the lenient side by the watch's delay (about a millisecond on loopback).
     */
    private boolean acceptedAfterKeyLeft(ClientLog.Ack w) {
        String named = "n1";
        for (KeyEvent k : keys) {
            if (k.micros() > w.serverMicros()) {
                break;
            }
            named = k.value();
        }
        if (w.node().equals(named)) {
            return false;
        }
        // never named yet in this run and not the initial leader: a promotion whose put the watch has yet to print
        return keys.stream().anyMatch(k -> w.node().equals(k.value()) && k.micros() < w.serverMicros())
                || w.node().equals("n1");
    }

    List<Long> outages(String kind, boolean floorClient) {
        List<Long> out = new ArrayList<>();
        for (Outcome o : outcomes) {
            if (o.action().kind().equals(kind)) {
                out.add(floorClient ? o.floorOutage() : o.vipOutage());
            }
        }
        Collections.sort(out);
        return out;
    }

    List<Long> putToVip() {
        List<Long> out = new ArrayList<>(outcomes.stream().map(Outcome::putToVip).filter(t -> t != NONE).toList());
        Collections.sort(out);
        return out;
    }

    /** A plain-text account of the run for the test log and the benchmark's appendix. */
    String describe() {
        StringBuilder sb = new StringBuilder(label).append('\n');
        for (Outcome o : outcomes) {
            sb.append(String.format("  %-10s %-3s  client outage %s (floor %s); key delete→put %s; put→VIP on new "
                            + "%s; old off %s after the put; longest no-holder %s, two-holder %s; failures: %s%n",
                    o.action().kind(), o.action().target(), ms(o.vipOutage()), ms(o.floorOutage()),
                    ms(o.keyDeleteToPut()), ms(o.putToVip()), ms(o.putToOldOff()), ms(o.longestGap()),
                    ms(o.longestOverlap()), vip.reasons(o.action().micros(), o.action().micros() + 30_000_000)));
        }
        sb.append(String.format("  no holder: %d periods, max %s; two holders: %d periods, max %s; acked writes lost: "
                        + "%d (+%d by a crashed primary around its SIGKILL); writes after the key left: %d%n",
                timeline.gaps.size(), SwitchTimeline.ms(SwitchTimeline.max(timeline.gaps)), timeline.overlaps.size(),
                SwitchTimeline.ms(SwitchTimeline.max(timeline.overlaps)), lost.size(), lostInCrash.size(),
                lateWrites.size()));
        return sb.toString();
    }

    static String ms(long micros) {
        return micros == NONE ? "-" : String.format("%.1f ms", micros / 1000.0);
    }
}
