package org.vip4j.examples;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * The soak: three launchers in the namespace lab follow {@code switches} random leader switches (gaps of 0 to
 * 200 ms, as in RapidSwitchesIT), with etcd restarted (SIGTERM, 1 s down) after every {@code perRestart}
 * switches. Every minute each launcher's RSS, heap after a full GC ({@code jcmd GC.run}, then {@code jstat}),
 * threads and open file descriptors are sampled. Prints a Markdown section; growth is judged from the first sample
 * after the first block of switches (the JVM has warmed up: JIT, heap sized) to the last.
 *
 * <p>Usage: {@code SoakBench [switches=10000] [perRestart=1000] [png]}; run by {@code scripts/bench.sh}.
 */
final class SoakBench {

    /** One sample of one launcher. */
    record Sample(double minutes, int node, long rssKb, long heapKb, long threads, long fds) {
    }

    private SoakBench() {
    }

    public static void main(String[] args) throws Exception {
        int switches = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int perRestart = args.length > 1 ? Integer.parseInt(args[1]) : 1_000;
        Path png = args.length > 2 ? Path.of(args[2]) : null;
        List<Sample> samples = new ArrayList<>();
        try (Lab lab = Lab.up()) {
            lab.startAll();
            lab.put("n1");
            lab.awaitHolders(List.of("n1"), Duration.ofSeconds(10));
            List<Path> monitorLogs = new ArrayList<>();
            List<Process> monitors = new ArrayList<>();
            for (int n = 1; n <= 3; n++) {
                monitorLogs.add(lab.logs().resolve("monitor-n" + n + ".log"));
                monitors.add(SideBySideBench.monitor(lab, n, monitorLogs.get(n - 1)));
                // the first attach starts the JVM's attach listener thread for good: before the first sample
                run("jcmd", String.valueOf(lab.node(n).pid()), "VM.version");
            }
            TimeUnit.MILLISECONDS.sleep(300);
            long t0 = System.nanoTime();
            ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
            sampler.scheduleAtFixedRate(() -> sampleAll(lab, t0, samples), 0, 60, TimeUnit.SECONDS);
            long seed = Long.getLong("vip4j.seed", System.nanoTime());
            Random random = new Random(seed);
            Path writes = lab.logs().resolve("writes.log");
            Path done = lab.logs().resolve("writes-done.log");
            String current = "n1";
            List<Integer> blockEnds = new ArrayList<>();
            double warmAt = -1;
            List<Long> awayMs = new ArrayList<>();
            for (int written = 0; written < switches; ) {
                int n = Math.min(perRestart, switches - written);
                Path script = lab.logs().resolve("switches-" + written + ".sh");
                current = RapidSwitchesIT.writeScript(script, writes, done, random, n, current);
                lab.runInDcs(script, "writer-" + written + ".log", Duration.ofMinutes(15));
                written += n;
                blockEnds.add(written - 1);
                if (warmAt < 0) {
                    warmAt = minutes(t0);
                }
                if (written < switches) {
                    TimeUnit.SECONDS.sleep(1); // the block's last switch settles
                    long stopAt = System.nanoTime();
                    lab.control("etcd-stop"); // SIGTERM; returns once etcd has exited
                    TimeUnit.SECONDS.sleep(1);
                    lab.control("etcd-start"); // returns once etcd answers /health
                    awayMs.add((System.nanoTime() - stopAt) / 1_000_000);
                    TimeUnit.SECONDS.sleep(3); // reconnected and confirmed before the next block
                }
            }
            TimeUnit.SECONDS.sleep(1);
            sampler.shutdown();
            sampler.awaitTermination(2, TimeUnit.MINUTES);
            sampleAll(lab, t0, samples);
            monitors.forEach(Process::destroy);
            for (Process m : monitors) {
                m.waitFor(5, TimeUnit.SECONDS);
            }
            List<SwitchTimeline.Write> all = SwitchTimeline.readWrites(writes);
            SwitchTimeline t = new SwitchTimeline(monitorLogs, Lab.VIP, 1, all);
            long missedInBlocks = t.missedWrites.stream().filter(i -> !blockEnds.contains(i)).count();
            long missedAtRestarts = t.missedWrites.stream().filter(blockEnds::contains).count();
            report(switches, perRestart, seed, all.size(), awayMs, minutes(t0), warmAt, samples, t, missedInBlocks,
                    missedAtRestarts, lab);
            if (png != null) {
                plot(png, samples);
                StringBuilder csv = new StringBuilder("minute,node,rss_kb,heap_after_gc_kb,threads,fds\n");
                for (Sample x : samples) {
                    csv.append(String.format("%.2f,n%d,%d,%d,%d,%d%n", x.minutes(), x.node(), x.rssKb(), x.heapKb(),
                            x.threads(), x.fds()));
                }
                Files.writeString(png.resolveSibling("bench/soak-samples.csv"), csv.toString());
            }
        }
    }

    private static void sampleAll(Lab lab, long t0, List<Sample> samples) {
        double at = minutes(t0);
        for (int n = 1; n <= 3; n++) {
            try {
                long pid = lab.node(n).pid();
                run("jcmd", String.valueOf(pid), "GC.run");
                long heap = heapUsedKb(run("jstat", "-gc", String.valueOf(pid)));
                long fds = SideBySideBench.fds(pid);
                synchronized (samples) {
                    samples.add(new Sample(at, n, SideBySideBench.status(pid, "VmRSS"), heap,
                            SideBySideBench.status(pid, "Threads"), fds));
                }
            } catch (Exception e) {
                System.err.println("soak: no sample of n" + n + " at minute " + at + ": " + e);
            }
        }
    }

    /** Survivors, eden and old generation in use, from {@code jstat -gc} (header line, then values in KB). */
    static long heapUsedKb(String jstat) {
        String[] lines = jstat.trim().split("\n");
        String[] head = lines[0].trim().split("\\s+");
        String[] vals = lines[1].trim().split("\\s+");
        double sum = 0;
        for (int i = 0; i < head.length; i++) {
            if (List.of("S0U", "S1U", "EU", "OU").contains(head[i])) {
                sum += Double.parseDouble(vals[i]);
            }
        }
        return Math.round(sum);
    }

    private static void report(int switches, int perRestart, long seed, int written, List<Long> awayMs, double minutes,
            double warmAt, List<Sample> samples, SwitchTimeline t, long missedInBlocks, long missedAtRestarts,
            Lab lab) throws Exception {
        System.out.printf("## Soak: %d switches, etcd restarted every %d%n%n", switches, perRestart);
        System.out.printf("Three launchers (`java -XX:+UseSerialGC -Xmx64m -XX:TieredStopAtLevel=1 -jar vip4j.jar`, "
                        + "defaults otherwise) in one namespace lab with one etcd; %d key writes with random gaps of "
                        + "0 to 200 ms (seed %d), etcd restarted %d times (SIGTERM, 1 s after it exited started "
                        + "again; from the SIGTERM to etcd healthy again: %s ms), %.1f minutes in all. Each launcher sampled every minute: RSS and threads from /proc, "
                        + "open file descriptors (/proc/PID/fd), heap in use after a full GC (`jcmd GC.run`, then "
                        + "`jstat -gc`: survivors + eden + old). Growth: from the first sample after the first "
                        + "block (minute %.1f, the JVM warmed up) to the last.%n%n", written, seed, awayMs.size(),
                awayMs.stream().sorted().map(String::valueOf).toList(), minutes, warmAt);
        System.out.println("| node | RSS start → warm → middle → end (max) | heap after GC warm → end (max) | threads "
                + "warm → end (max) | FDs warm → end (max) | growth warm → end: RSS, threads, FDs | growth middle → "
                + "end: RSS, threads, FDs |");
        System.out.println("|---|---|---|---|---|---|---|");
        boolean metFromMiddle = true;
        boolean met = true;
        for (int n = 1; n <= 3; n++) {
            int node = n;
            List<Sample> mine = samples.stream().filter(s -> s.node() == node).toList();
            if (mine.isEmpty()) {
                continue;
            }
            Sample first = mine.get(0);
            Sample warm = mine.stream().filter(s -> s.minutes() >= warmAt).findFirst().orElse(first);
            Sample end = mine.get(mine.size() - 1);
            Sample middle = mine.stream().filter(x -> x.minutes() >= end.minutes() / 2).findFirst().orElse(end);
            long rssMax = mine.stream().mapToLong(Sample::rssKb).max().orElse(0);
            long heapMax = mine.stream().mapToLong(Sample::heapKb).max().orElse(0);
            long thrMax = mine.stream().mapToLong(Sample::threads).max().orElse(0);
            long fdMax = mine.stream().mapToLong(Sample::fds).max().orElse(0);
            long rssGrowth = end.rssKb() - warm.rssKb();
            long thrGrowth = end.threads() - warm.threads();
            long fdGrowth = end.fds() - warm.fds();
            met &= rssGrowth <= 2048 && thrGrowth <= 0 && fdGrowth <= 0;
            long rssLate = end.rssKb() - middle.rssKb();
            long thrLate = end.threads() - middle.threads();
            long fdLate = end.fds() - middle.fds();
            metFromMiddle &= rssLate <= 2048 && thrLate <= 0 && fdLate <= 0;
            System.out.printf("| n%d | %s → %s → %s → %s (%s) | %s → %s (%s) | %d → %d (%d) | %d → %d (%d) | %+.1f MB, "
                            + "%+d, %+d | %+.1f MB, %+d, %+d |%n", n, mb(first.rssKb()), mb(warm.rssKb()),
                    mb(middle.rssKb()), mb(end.rssKb()), mb(rssMax), mb(warm.heapKb()), mb(end.heapKb()),
                    mb(heapMax), warm.threads(), end.threads(), thrMax, warm.fds(), end.fds(), fdMax,
                    rssGrowth / 1024.0, thrGrowth, fdGrowth, rssLate / 1024.0, thrLate, fdLate);
        }
        System.out.printf("%nGoal (≤ 2 MB RSS, 0 threads, 0 FDs of growth on every node): from the first block's end "
                + "%s; over the second half of the run %s. (A JVM's RSS still grows for some minutes after start, "
                + "as its code cache, metaspace and native buffers fill; a leak keeps growing.) Per-minute samples: "
                + "docs/bench/soak-samples.csv.%n%n", met ? "met" : "**not met**", metFromMiddle ? "met"
                : "**not met**");
        System.out.printf("| switching, judged as in RapidSwitchesIT | value |%n|---|---|%n"
                        + "| settled keys (unchanged ≥ 100 ms) | %d |%n"
                        + "| ... whose node did not hold the VIP alone from write + 100 ms to the next write, within "
                        + "the blocks | %d |%n"
                        + "| etcd restarts through which the holder did not keep the VIP (it lets go when etcd is away "
                        + "longer than retry-num × keepalive-period = 3 s, and takes it again when etcd is back) "
                        + "| %d of %d |%n"
                        + "| periods with two holders, longer than 50 ms | %d, %d |%n"
                        + "| key write → VIP added, p50 / p99 / max | %s / %s / %s |%n"
                        + "| nodes holding at the end | %s |%n",
                t.settled, missedInBlocks, missedAtRestarts, awayMs.size(), t.overlaps.size(), t.longOverlaps(50_000),
                SwitchTimeline.ms(SwitchTimeline.pct(t.takeovers, 50)),
                SwitchTimeline.ms(SwitchTimeline.pct(t.takeovers, 99)),
                SwitchTimeline.ms(SwitchTimeline.max(t.takeovers)), lab.holders());
    }

    private static void plot(Path png, List<Sample> samples) {
        List<LinePlot.Panel> panels = new ArrayList<>();
        panels.add(panel("RSS", "MB", samples, s -> s.rssKb() / 1024.0));
        panels.add(panel("heap after full GC", "MB", samples, s -> s.heapKb() / 1024.0));
        panels.add(panel("threads", "", samples, s -> (double) s.threads()));
        panels.add(panel("open file descriptors", "", samples, s -> (double) s.fds()));
        try {
            LinePlot.write(png, panels);
        } catch (Exception | Error e) {
            System.err.println("soak: plot not rendered (" + e + ")");
        }
    }

    private static LinePlot.Panel panel(String title, String unit, List<Sample> samples,
            ToDoubleFunction<Sample> y) {
        List<LinePlot.Series> series = new ArrayList<>();
        for (int n = 1; n <= 3; n++) {
            int node = n;
            List<double[]> pts = samples.stream().filter(s -> s.node() == node)
                    .map(s -> new double[] {s.minutes(), y.applyAsDouble(s)}).toList();
            series.add(new LinePlot.Series("n" + n, pts));
        }
        return new LinePlot.Panel(title, unit, series);
    }

    private static double minutes(long t0) {
        return (System.nanoTime() - t0) / 60e9;
    }

    private static String mb(long kb) {
        return String.format("%.1f MB", kb / 1024.0);
    }

    private static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
        }
        return out;
    }
}
