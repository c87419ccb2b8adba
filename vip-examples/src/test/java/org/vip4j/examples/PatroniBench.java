package org.vip4j.examples;

import java.util.ArrayList;
import java.util.List;

/**
 * Issue 10's benchmark: the client's write outage through the VIP over Patroni switchovers and crashed primaries,
 * for vip4j (handover-grace 250 ms, 0, and with promote-check) and vip-manager 1.0.2 (1000 ms, 100 ms), each in a
 * fresh Patroni lab, beside the floor client that finds the primary itself (Patroni's own floor, same run).
 * Prints a Markdown section. Run by scripts/bench.sh; arguments: switchovers and failovers per setup, and optionally
 * a text that picks the setups whose label contains it (e.g. {@code promote-check}).
 */
public final class PatroniBench {

    private record Setup(String label, boolean vipManager, int interval, String... vip4jArgs) {
    }

    private PatroniBench() {
    }

    public static void main(String[] args) throws Exception {
        int switchovers = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int failovers = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        String only = args.length > 2 ? args[2] : ""; // runs only the setups whose label contains it
        List<Setup> all = List.of(
                new Setup("vip4j, handover-grace 250 ms (default)", false, 0),
                new Setup("vip4j, handover-grace 0", false, 0, "--handover-grace", "0"),
                new Setup("vip4j, handover-grace 250 ms + promote-check", false, 0, "--promote-check",
                        "http://198.51.100.1{n}:8008/primary"),
                new Setup("vip-manager 1.0.2, interval 1000 ms", true, 1000),
                new Setup("vip-manager 1.0.2, interval 100 ms", true, 100));
        List<Setup> setups = all.stream().filter(s -> s.label().contains(only)).toList();
        List<PatroniRun> runs = new ArrayList<>();
        for (Setup s : setups) {
            runs.add(run(s, switchovers, failovers));
        }
        print(runs, switchovers, failovers);
    }

    private static PatroniRun run(Setup s, int switchovers, int failovers) throws Exception {
        try (PatroniLab p = PatroniLab.up(s.vipManager())) {
            if (s.vipManager()) {
                p.startVipManager(s.interval());
            } else {
                p.startVip4j(s.vip4jArgs());
            }
            p.record();
            List<String> ring = List.of("n1", "n2", "n3");
            for (int i = 0; i < switchovers; i++) {
                String next = ring.get((ring.indexOf(p.leader()) + 1) % 3);
                p.switchover(next);
            }
            for (int i = 0; i < failovers; i++) {
                p.crashLeader();
            }
            PatroniRun run = p.finish(s.label() + (s.vipManager() ? ", Patroni etcd (v2)" : ", Patroni etcd3"));
            System.err.print(run.describe());
            return run;
        }
    }

    private static void print(List<PatroniRun> runs, int switchovers, int failovers) {
        System.out.println("## Patroni + PostgreSQL: the client's write outage");
        System.out.println();
        System.out.printf("Three members of Debian's patroni %s with postgresql-15 in the lab (`scripts/patroni-lab.sh`: "
                + "ttl 10 s, loop_wait 1 s, retry_timeout 4 s), a VIP daemon beside each, and a client in the client "
                + "namespace writing one row through the VIP every 50 ms (`scripts/pg-client.py`: psycopg2, autocommit, "
                + "reconnect after a failure, connect_timeout 2 s, tcp_user_timeout 1 s). Per setup a fresh lab, "
                + "%d `patronictl switchover`s and %d crashed primaries (SIGKILL to Patroni and the postmaster; the "
                + "key expires after the 10 s TTL). The floor is a second client in the same run that uses libpq's "
                + "multi-host failover (all three nodes, target_session_attrs=read-write) instead of the VIP: what "
                + "Patroni itself allows. Outage: from the last acknowledged write before the first failure to the "
                + "first acknowledged write after it.%n%n", "3.0.2", switchovers, failovers);
        System.out.println("| setup | switchover outage p50 / max | floor, same run | failover outage p50 / max "
                + "| floor, same run | leader key put → VIP on the new leader p50 / max | longest no-holder / "
                + "two-holder window in a switchover | acked writes lost | writes after the key left |");
        System.out.println("|---|---|---|---|---|---|---|---|---|");
        for (PatroniRun r : runs) {
            List<Long> so = r.outages("switchover", false);
            List<Long> fo = r.outages("failover", false);
            List<Long> sf = r.outages("switchover", true);
            List<Long> ff = r.outages("failover", true);
            List<Long> put = r.putToVip();
            long gap = r.outcomes.stream().filter(o -> o.action().kind().equals("switchover"))
                    .mapToLong(PatroniRun.Outcome::longestGap).max().orElse(0);
            long overlap = r.outcomes.stream().filter(o -> o.action().kind().equals("switchover"))
                    .mapToLong(PatroniRun.Outcome::longestOverlap).max().orElse(0);
            System.out.printf("| %s | %s / %s | %s | %s / %s | %s | %s / %s | %s / %s | %d | %d |%n", r.label,
                    s(SwitchTimeline.pct(so, 50)), s(SwitchTimeline.max(so)), s(SwitchTimeline.pct(sf, 50)),
                    s(SwitchTimeline.pct(fo, 50)), s(SwitchTimeline.max(fo)), s(SwitchTimeline.pct(ff, 50)),
                    SwitchTimeline.ms(SwitchTimeline.pct(put, 50)), SwitchTimeline.ms(SwitchTimeline.max(put)),
                    PatroniRun.ms(gap), PatroniRun.ms(overlap), r.lost.size(), r.lateWrites.size());
        }
        System.out.println();
        PatroniRun defaults = runs.stream().filter(r -> r.label.contains("(default)")).findFirst().orElse(null);
        if (defaults != null) { // a run of chosen setups may leave it out
            long ours = SwitchTimeline.pct(defaults.outages("switchover", false), 50);
            long floor = SwitchTimeline.pct(defaults.outages("switchover", true), 50);
            System.out.printf("- vip4j's default switchover outage p50 is %s, %+.0f ms from the floor client's in the "
                    + "same run (goal: within 100 ms of Patroni's floor, ≤ 1.25 s).%n", s(ours),
                    (ours - floor) / 1000.0);
            for (PatroniRun r : runs.stream().filter(r -> r.label.startsWith("vip-manager")).toList()) {
                long theirs = SwitchTimeline.pct(r.outages("switchover", false), 50);
                System.out.printf("- against %s: %s vs %s (%s).%n", r.label, s(ours), s(theirs),
                        ours < theirs ? "vip4j lower" : "vip4j NOT lower");
            }
        }
        System.out.println();
        System.out.println("Every switchover and failover, as measured (failures are what the client's driver said):");
        System.out.println();
        System.out.println("```");
        runs.forEach(r -> System.out.print(r.describe()));
        System.out.println("```");
    }

    private static String s(Long micros) {
        return micros == null ? "-" : String.format("%.2f s", micros / 1_000_000.0);
    }
}
