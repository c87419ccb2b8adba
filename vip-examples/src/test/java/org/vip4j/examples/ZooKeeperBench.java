package org.vip4j.examples;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code dcs-type: zookeeper} against {@code dcs-type: etcd} in one lab and one run: the lab's etcd and its ZooKeeper
 * on the DCS host, the launcher on three nodes following one of them at a time, the leader moved {@code switches}
 * times at random, 1.5 s apart (written from the DCS host: curl to etcd's JSON gateway, kazoo, Patroni's own ZooKeeper
 * client, for ZooKeeper; both stamped just before the request). Then {@code idle} seconds with nothing happening:
 * CPU, RSS and threads of the holder and a standby, and the requests the DCS served for all three nodes (etcd: its
 * gRPC counters; ZooKeeper: packets received, from {@code mntr}, which counts its session pings too). Prints one
 * Markdown section. Usage: {@code ZooKeeperBench [switches=50] [idle seconds=60]}. Run by scripts/bench.sh.
 */
public final class ZooKeeperBench {

    private static final Pattern PACKETS = Pattern.compile("zk_packets_received\\s+(\\d+)");
    private static final Duration SETTLE = Duration.ofSeconds(30);

    private ZooKeeperBench() {
    }

    record Result(String dcs, SwitchTimeline timeline, List<Long> writes, double holderCpu, double standbyCpu,
                  long holderRssKb, long standbyRssKb, long holderThreads, long standbyThreads, String requests) {
    }

    public static void main(String[] args) throws Exception {
        int switches = args.length > 0 ? Integer.parseInt(args[0]) : 50;
        int idle = args.length > 1 ? Integer.parseInt(args[1]) : 60;
        List<Result> results = new ArrayList<>();
        results.add(run("etcd", switches, idle));
        results.add(run("zookeeper", switches, idle));
        System.out.println("## ZooKeeper against etcd: key change → VIP, idle cost");
        System.out.println();
        System.out.printf(Locale.ROOT, """
                The namespace lab with etcd 3.4 and ZooKeeper 3.8 (Debian's, standalone, tickTime 500 ms) on the DCS
                host, the launcher (`java -jar vip4j.jar`, the lab's JVM flags, defaults) on three nodes, first with
                `dcs-type: etcd`, then `dcs-type: zookeeper`, each in a fresh lab. %d moves of the leader to a random
                other node, 1.5 s apart; the time is from just before the write (curl to etcd's JSON gateway, or
                kazoo's `set` on one open session, both in the DCS host's namespace, so the write's own round trip
                is in it) to the VIP on the named node (`ip monitor` there). Then %d s idle after a %d s settling
                time: CPU (utime + stime, %% of one core), RSS and threads of the holder and of one standby, and what
                the DCS served for the three nodes together, per minute.

                """, switches, idle, SETTLE.toSeconds());
        System.out.println("| dcs-type | write → VIP p50 / p99 / max | missed | write itself p50 | holder CPU | "
                + "standby CPU | holder RSS / threads | standby RSS / threads | DCS requests per minute (3 nodes) |");
        System.out.println("|---|---|---|---|---|---|---|---|---|");
        for (Result r : results) {
            List<Long> t = r.timeline().takeovers;
            System.out.printf(Locale.ROOT, "| %s | %s / %s / %s ms | %d of %d | %s ms | %.2f %% | %.2f %% | %d MB / %d "
                            + "| %d MB / %d | %s |%n", r.dcs(), ms(SwitchTimeline.pct(t, 50)),
                    ms(SwitchTimeline.pct(t, 99)), ms(SwitchTimeline.max(t)), r.timeline().missed,
                    r.timeline().settled, ms(SwitchTimeline.pct(r.writes(), 50)), r.holderCpu(), r.standbyCpu(),
                    r.holderRssKb() / 1024, r.holderThreads(), r.standbyRssKb() / 1024, r.standbyThreads(),
                    r.requests());
        }
        System.out.println();
    }

    private static String ms(Long micros) {
        return micros == null ? "–" : String.format(Locale.ROOT, "%.1f", micros / 1000.0);
    }

    private static Result run(String dcs, int switches, int idle) throws Exception {
        boolean zk = dcs.equals("zookeeper");
        try (Lab lab = Lab.upWithZooKeeper()) {
            Path writes = lab.logs().resolve("writes.log");
            Path done = lab.logs().resolve("writes-done.log");
            Random random = new Random(42);
            List<String> sequence = new ArrayList<>();
            String current = "n1";
            for (int i = 0; i < switches; i++) {
                List<String> others = new ArrayList<>(List.of("n1", "n2", "n3"));
                others.remove(current);
                current = others.get(random.nextInt(2));
                sequence.add(current);
            }
            write(lab, zk, List.of("n1"), writes, done, 0); // the key exists and names n1 before anyone starts
            Files.deleteIfExists(writes);
            Files.deleteIfExists(done);
            String[] args = zk ? new String[] {"--dcs-type", "zookeeper", "--dcs-endpoints", "198.51.100.10:2181"}
                    : new String[0];
            for (int n = 1; n <= 3; n++) {
                lab.startNode(n, args);
            }
            for (int n = 1; n <= 3; n++) {
                lab.awaitStarted(n);
            }
            lab.awaitHolders(List.of("n1"), Duration.ofSeconds(15));
            TimeUnit.SECONDS.sleep(3);
            List<Process> monitors = new ArrayList<>();
            try {
                for (int n = 1; n <= 3; n++) {
                    monitors.add(SideBySideBench.monitor(lab, n, lab.logs().resolve("monitor-n" + n + ".log")));
                }
                TimeUnit.MILLISECONDS.sleep(500); // ip monitor has no "listening" line to wait for
                write(lab, zk, sequence, writes, done, 1.5);
            } finally {
                for (Process m : monitors) {
                    m.destroy();
                    m.waitFor(5, TimeUnit.SECONDS);
                }
            }
            List<SwitchTimeline.Write> w = SwitchTimeline.readWrites(writes);
            SwitchTimeline timeline = new SwitchTimeline(List.of(lab.logs().resolve("monitor-n1.log"),
                    lab.logs().resolve("monitor-n2.log"), lab.logs().resolve("monitor-n3.log")), Lab.VIP, 1, w);
            List<Long> writeTimes = SideBySideBench.durations(w, SwitchTimeline.readWrites(done));

            int holder = Integer.parseInt(current.substring(1));
            int standby = holder == 1 ? 2 : 1;
            TimeUnit.SECONDS.sleep(SETTLE.toSeconds());
            long h0 = SideBySideBench.cpuTicks(lab.node(holder).pid());
            long s0 = SideBySideBench.cpuTicks(lab.node(standby).pid());
            long r0 = zk ? zkPackets(lab) : 0;
            String m0 = zk ? "" : IdleBench.etcdMetrics(lab);
            long t0 = System.nanoTime();
            TimeUnit.SECONDS.sleep(idle);
            double window = (System.nanoTime() - t0) / 1e9;
            double hc = (SideBySideBench.cpuTicks(lab.node(holder).pid()) - h0) / window;
            double sc = (SideBySideBench.cpuTicks(lab.node(standby).pid()) - s0) / window;
            String requests = zk ? String.format(Locale.ROOT, "packets %.0f", (zkPackets(lab) - r0) * 60 / window)
                    : IdleBench.requests(m0, IdleBench.etcdMetrics(lab), window);
            if (!lab.holders().equals(List.of(current))) {
                throw new IllegalStateException(dcs + ": the VIP moved during the idle window: " + lab.holders());
            }
            long hp = lab.node(holder).pid();
            long sp = lab.node(standby).pid();
            return new Result(dcs, timeline, writeTimes, hc, sc, SideBySideBench.status(hp, "VmRSS"),
                    SideBySideBench.status(sp, "VmRSS"), SideBySideBench.status(hp, "Threads"),
                    SideBySideBench.status(sp, "Threads"), requests);
        }
    }

    /** Writes each value in turn from the DCS host, {@code gap} seconds apart, stamping before and after each write. */
    private static void write(Lab lab, boolean zk, List<String> values, Path writes, Path done, double gap)
            throws Exception {
        Path script = lab.logs().resolve(zk ? "zk-writes.py" : "etcd-writes.sh");
        if (zk) {
            StringBuilder py = new StringBuilder("""
                    import datetime, time
                    from kazoo.client import KazooClient
                    def stamp(path, node):
                        with open(path, "a") as f:
                            f.write(datetime.datetime.now().strftime("%Y-%m-%dT%H:%M:%S.%f") + " " + node + "\\n")
                    zk = KazooClient(hosts="127.0.0.1:2181")
                    zk.start()
                    """);
            py.append("for i, node in enumerate(").append(pyList(values)).append("):\n");
            py.append("    if i: time.sleep(").append(gap).append(")\n");
            py.append("    stamp(\"").append(writes).append("\", node)\n");
            py.append("    if zk.exists(\"").append(Lab.KEY).append("\") is None: zk.create(\"").append(Lab.KEY)
                    .append("\", node.encode(), makepath=True)\n");
            py.append("    else: zk.set(\"").append(Lab.KEY).append("\", node.encode())\n");
            py.append("    stamp(\"").append(done).append("\", node)\n");
            py.append("zk.stop()\n");
            Files.writeString(script, py.toString());
            Path sh = lab.logs().resolve("zk-writes.sh");
            Files.writeString(sh, "exec /usr/bin/python3 " + script + "\n");
            lab.runInDcs(sh, "writer.log", Duration.ofMinutes(30));
            return;
        }
        StringBuilder sb = new StringBuilder("#!/bin/bash\nset -e\n");
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                sb.append("sleep ").append(gap).append('\n');
            }
            String json = "{\"key\":\"" + SideBySideBench.b64(Lab.KEY) + "\",\"value\":\""
                    + SideBySideBench.b64(values.get(i)) + "\"}";
            sb.append(SideBySideBench.stamp(values.get(i), writes))
                    .append("curl -sS --max-time 5 -X POST http://127.0.0.1:2379/v3/kv/put -d '").append(json)
                    .append("' > /dev/null\n").append(SideBySideBench.stamp(values.get(i), done));
        }
        Files.writeString(script, sb.toString());
        lab.runInDcs(script, "writer.log", Duration.ofMinutes(30));
    }

    private static String pyList(List<String> values) {
        StringBuilder b = new StringBuilder("[");
        for (String v : values) {
            b.append(b.length() > 1 ? ", " : "").append('"').append(v).append('"');
        }
        return b.append(']').toString();
    }

    private static long zkPackets(Lab lab) throws Exception {
        Process p = new ProcessBuilder("ip", "netns", "exec", lab.name() + "-dcs", "bash", "-c",
                "exec 3<>/dev/tcp/127.0.0.1/2181 && printf mntr >&3 && cat <&3").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(10, TimeUnit.SECONDS);
        Matcher m = PACKETS.matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("ZooKeeper's mntr: " + out);
        }
        return Long.parseLong(m.group(1));
    }
}
