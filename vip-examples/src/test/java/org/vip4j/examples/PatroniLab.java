package org.vip4j.examples;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A three-member Patroni + PostgreSQL 15 cluster in the namespace lab ({@code scripts/patroni-lab.sh}), a VIP
 * daemon beside each member, and the recorders of one run: {@code ip -ts monitor} in each node, a watch on the
 * leader key, a client writing through the VIP every 50 ms and a floor client that finds the primary itself.
 * Switchovers and crashes are driven here; {@link PatroniRun} judges what the recorders saw.
 */
final class PatroniLab implements AutoCloseable {

    static final String KEY = "/service/lab/leader";
    private static final Duration SETTLE = Duration.ofSeconds(60);

    /** One thing done to the cluster: a switchover to {@code target} or the crash of {@code target}, at a time. */
    record Action(String kind, String target, long micros) {
    }

    private final Lab lab;
    /** Patroni's DCS section: etcd (v2 API), etcd3 or zookeeper. */
    private final String dcs;
    private final Path root = Path.of("").toAbsolutePath().getParent();
    private final List<Process> recorders = new ArrayList<>();
    final List<Action> actions = new ArrayList<>();
    private String leader = "n1";

    private PatroniLab(Lab lab, String dcs) {
        this.lab = lab;
        this.dcs = dcs;
    }

    /**
     * A lab with Patroni bootstrapped on n1 and n2, n3 replicating from it. {@code etcdV2}: Patroni's etcd (v2 API)
     * mode, the only one vip-manager 1.0.2 reads; otherwise etcd3.
     */
    static PatroniLab up(boolean etcdV2) throws Exception {
        return up(etcdV2 ? "etcd" : "etcd3");
    }

    /** The same cluster with Patroni in zookeeper mode, on the lab's ZooKeeper at 198.51.100.10:2181. */
    static PatroniLab upOnZooKeeper() throws Exception {
        return up("zookeeper");
    }

    private static PatroniLab up(String dcs) throws Exception {
        for (String need : List.of("/usr/bin/patroni", "/usr/lib/postgresql/15/bin/postgres", "/usr/bin/python3")) {
            if (!Files.isExecutable(Path.of(need))) {
                throw new IllegalStateException(need + " is missing: run scripts/install-deps.sh (patroni, "
                        + "postgresql-15, python3-etcd, python3-psycopg2)");
            }
        }
        if (dcs.equals("zookeeper") && !Files.isDirectory(Path.of("/usr/lib/python3/dist-packages/kazoo"))) {
            throw new IllegalStateException("python3-kazoo is missing (Patroni's ZooKeeper client): run "
                    + "scripts/install-deps.sh");
        }
        Lab lab = dcs.equals("zookeeper") ? Lab.upWithZooKeeper() : Lab.up(dcs.equals("etcd"));
        PatroniLab p = new PatroniLab(lab, dcs);
        try {
            p.patroni("start", "1", dcs);
            p.await("n1 primary", () -> p.status(1, "primary") == 200);
            p.patroni("start", "2", dcs);
            p.patroni("start", "3", dcs);
            p.awaitHealthy();
            p.patroni("psql", "198.51.100.11", "CREATE TABLE ticks(id bigserial PRIMARY KEY, client text, "
                    + "seq bigint, at timestamptz DEFAULT clock_timestamp())");
            return p;
        } catch (Exception | Error e) {
            lab.close();
            throw e;
        }
    }

    Lab lab() {
        return lab;
    }

    String leader() {
        return leader;
    }

    /**
     * vip4j on every node, following Patroni's key unless {@code extraArgs} name another {@code --trigger-key}, plus
     * {@code extraArgs} ({@code {n}} is the node number).
     */
    void startVip4j(String... extraArgs) throws Exception {
        for (int n = 1; n <= 3; n++) {
            List<String> args = new ArrayList<>(List.of(extraArgs).contains("--trigger-key") ? List.of()
                    : List.of("--trigger-key", KEY));
            for (String a : extraArgs) {
                args.add(a.replace("{n}", String.valueOf(n)));
            }
            lab.startNode(n, args.toArray(String[]::new));
        }
        for (int n = 1; n <= 3; n++) {
            lab.awaitStarted(n);
        }
        lab.awaitHolders(List.of(leader), Duration.ofSeconds(10));
    }

    /**
     * vip4j on every node with two VIPs in one process ({@code vips:}): the primary VIP following Patroni's key, and
     * {@code replicaVip}, elected among the nodes whose Patroni answers 200 on {@code /replica}.
     */
    void startVip4jWithReplicaVip(String replicaVip, String electionKey) throws Exception {
        for (int n = 1; n <= 3; n++) {
            Path file = Files.writeString(lab.logs().resolve("n" + n + "-replica-vip.yml"), String.join("\n",
                    "dcs-endpoints: http://198.51.100.10:2379", "interface: eth0", "netmask: 24",
                    "trigger-value: n" + n, "vips:",
                    "  - {ip: " + Lab.VIP + ", trigger-key: " + KEY + "}",
                    "  - {ip: " + replicaVip + ", trigger-key: " + electionKey + ", election: true,",
                    "     health-check: \"http://198.51.100.1" + n + ":8008/replica\", health-interval: 500ms,",
                    "     health-timeout: 500ms, fallback-check: \"http://198.51.100.1" + n + ":8008/read-only\",",
                    "     election-hold-down: 2s}", ""));
            lab.startNode(n, false, "--config", file.toString());
        }
        for (int n = 1; n <= 3; n++) {
            lab.awaitStarted(n);
        }
        lab.awaitHolders(List.of(leader), Duration.ofSeconds(10));
    }

    /**
     * Stops node {@code n}'s Patroni and its PostgreSQL (SIGTERM: a fast shutdown), vip4j beside them left running;
     * not a judged action. Not a SIGKILL: a replica killed shortly after it started left a dynamic shared memory
     * segment in /dev/shm that only one of its backends had mapped, which {@code kill} cannot find to remove.
     */
    void stop(int n) throws Exception {
        patroni("stop", String.valueOf(n));
    }

    /** Starts the Patroni of each of {@code nodes} again and waits until both replicas stream from the primary. */
    void restart(int... nodes) throws Exception {
        for (int n : nodes) {
            patroni("start", String.valueOf(n), dcs);
        }
        awaitHealthy();
    }

    /** Debian's vip-manager 1.0.2 on every node at {@code intervalMs}; needs the etcd (v2) mode. */
    void startVipManager(int intervalMs) throws Exception {
        if (!dcs.equals("etcd")) {
            throw new IllegalStateException("vip-manager 1.0.2 reads only etcd's v2 API: PatroniLab.up(true)");
        }
        for (int n = 1; n <= 3; n++) {
            lab.startCommand(n, List.of("/usr/bin/vip-manager", "--ip", Lab.VIP, "--netmask", "24",
                    "--interface", "eth0", "--trigger-key", KEY, "--trigger-value", "n" + n, "--dcs-type", "etcd",
                    "--dcs-endpoints", "http://198.51.100.10:2379", "--interval", String.valueOf(intervalMs)));
        }
        lab.awaitHolders(List.of(leader), Duration.ofSeconds(15));
    }

    /** Starts the recorders; everything after this is judged. */
    void record() throws Exception {
        Path logs = lab.logs();
        // the observers run SCHED_FIFO: on 2 cores busy with three PostgreSQL, Patroni and vip4j each, an ordinary
        // `ip monitor` stamped an add up to 9 ms late, a "window with no holder" that only the observer saw; they
        // sleep in recv and cost nothing
        for (int n = 1; n <= 3; n++) {
            recorders.add(start(logs.resolve("monitor-n" + n + ".log"), "chrt", "-f", "50", "ip", "-n",
                    lab.name() + "-n" + n, "-ts", "-o", "monitor", "address"));
        }
        recorders.add(start(logs.resolve("keys.log"), "chrt", "-f", "50", "ip", "netns", "exec", lab.name() + "-dcs",
                "/usr/bin/python3", root.resolve("scripts/key-watch.py").toString(),
                switch (dcs) {
                    case "etcd" -> "v2";
                    case "zookeeper" -> "zk";
                    default -> "v3";
                }, KEY));
        recorders.add(start(logs.resolve("client-vip.out"), "ip", "netns", "exec", lab.name() + "-client",
                "/usr/bin/python3", root.resolve("scripts/pg-client.py").toString(), "--hosts", Lab.VIP,
                "--name", "vip", "--out", logs.resolve("client-vip.log").toString()));
        recorders.add(start(logs.resolve("client-floor.out"), "ip", "netns", "exec", lab.name() + "-client",
                "/usr/bin/python3", root.resolve("scripts/pg-client.py").toString(), "--hosts",
                "198.51.100.11,198.51.100.12,198.51.100.13", "--name", "floor", "--out",
                logs.resolve("client-floor.log").toString()));
        await("the client writes through the VIP", () -> lastAckNode().equals(leader));
        TimeUnit.SECONDS.sleep(1);
    }

    /** {@code patronictl switchover} to {@code target}; returns when the client writes there and all are healthy. */
    void switchover(String target) throws Exception {
        actions.add(new Action("switchover", target, nowMicros()));
        patroni("switchover", target);
        leader = target;
        settle();
    }

    /**
     * Kills the primary's Patroni and PostgreSQL (SIGKILL): the key stays until its TTL runs out, then a replica
     * takes over. Starts the crashed member again afterwards so the next action has three members.
     */
    void crashLeader() throws Exception {
        String crashed = leader;
        actions.add(new Action("failover", crashed, nowMicros()));
        patroni("kill", crashed.substring(1));
        await("a new primary", () -> {
            for (int n = 1; n <= 3; n++) {
                if (!("n" + n).equals(crashed) && status(n, "primary") == 200) {
                    leader = "n" + n;
                    return lastAckNode().equals(leader);
                }
            }
            return false;
        });
        patroni("start", crashed.substring(1), dcs);
        settle();
    }

    /** What psql from the client reaches through the VIP: "n2 primary", or "n2 replica". */
    String psqlThroughVip() throws Exception {
        return psqlThrough(Lab.VIP);
    }

    /** What psql from the client reaches through {@code address}: "n2 primary", or "n2 replica". */
    String psqlThrough(String address) throws Exception {
        String[] row = patroni("psql", address, "SELECT current_setting('data_directory'), pg_is_in_recovery()")
                .trim().split("\\|");
        String node = row[0].replaceAll(".*/pg-(n\\d)/data.*", "$1");
        return node + (row[1].equals("f") ? " primary" : " replica");
    }

    /** Stops the recorders and judges the run. */
    PatroniRun finish(String label) throws Exception {
        TimeUnit.SECONDS.sleep(1);
        for (Process p : recorders) {
            p.destroy();
        }
        for (Process p : recorders) {
            p.waitFor(5, TimeUnit.SECONDS);
        }
        Set<Long> committed = new HashSet<>();
        for (String line : patroni("psql", Lab.VIP, "SELECT seq FROM ticks WHERE client = 'vip'").split("\n")) {
            if (!line.isBlank()) {
                committed.add(Long.parseLong(line.trim()));
            }
        }
        Path logs = lab.logs();
        return new PatroniRun(label, actions, logs, committed);
    }

    @Override
    public void close() {
        recorders.forEach(Process::destroyForcibly);
        try {
            // a PostgreSQL killed by the lab's teardown would leave its shared memory segments in /dev/shm
            patroni("stop-all");
        } catch (Exception e) {
            System.err.println("patroni-lab.sh stop-all failed (the lab's teardown kills what is left): " + e);
        }
        // lab.sh down removes the lab's state directory: keep Patroni's own logs beside ours for the post-mortem
        for (int n = 1; n <= 3; n++) {
            Path log = Path.of("/tmp", lab.name(), "patroni-n" + n + ".log");
            try {
                if (Files.exists(log)) {
                    Files.copy(log, lab.logs().resolve("patroni-n" + n + ".log"), StandardCopyOption.REPLACE_EXISTING);
                }
            } catch (IOException e) {
                System.err.println("could not keep " + log + ": " + e);
            }
        }
        lab.close();
    }

    private void settle() throws Exception {
        await("the client writing on " + leader, () -> lastAckNode().equals(leader));
        awaitHealthy();
        TimeUnit.SECONDS.sleep(2); // the next action starts from a quiet cluster
    }

    /**
     * Both replicas stream from the current primary. Patroni's /replica answers 200 for a replica still on the old
     * timeline, and a switchover to such a member loses what the new primary committed meanwhile (this lab saw
     * Patroni 3.0.2 do it: maximum_lag_on_failover compares positions, not timelines), so the next action waits.
     */
    private void awaitHealthy() throws Exception {
        String address = "198.51.100.1" + leader.substring(1);
        await("both replicas streaming from " + leader, () -> {
            try {
                // Patroni's replicas stream as their member name; a base backup's WAL stream is "pg_basebackup"
                return patroni("psql", address, "SELECT count(*) FROM pg_stat_replication "
                        + "WHERE state = 'streaming' AND application_name LIKE 'n_'")
                        .trim().equals("2");
            } catch (IllegalStateException e) {
                return false; // not up yet
            }
        });
    }

    private String lastAckNode() throws Exception {
        Path log = lab.logs().resolve("client-vip.log");
        if (!Files.exists(log)) {
            return "";
        }
        List<String> lines = Files.readAllLines(log);
        for (int i = lines.size() - 1; i >= 0 && i >= lines.size() - 3; i--) {
            String[] p = lines.get(i).split(" ");
            if (p[0].equals("ok")) {
                return p[4];
            }
        }
        return "";
    }

    /** HTTP status of Patroni's REST endpoint {@code /primary}, {@code /replica} on node n, 0 when unreachable. */
    int status(int n, String endpoint) throws Exception {
        Process p = new ProcessBuilder("ip", "netns", "exec", lab.name() + "-client", "curl", "-s", "-o", "/dev/null",
                "--max-time", "2", "-w", "%{http_code}", "http://198.51.100.1" + n + ":8008/" + endpoint)
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        p.waitFor(5, TimeUnit.SECONDS);
        return out.matches("\\d+") ? Integer.parseInt(out) : 0;
    }

    private String patroni(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("bash", root.resolve("scripts/patroni-lab.sh").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("LAB", lab.name());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("patroni-lab.sh " + String.join(" ", args) + " failed: " + out);
        }
        return out;
    }

    private Process start(Path out, String... cmd) throws Exception {
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    }

    private void await(String what, Lab.Check check) throws Exception {
        Lab.await(check, SETTLE, () -> what + " did not happen; Patroni logs in /tmp/" + lab.name());
    }

    private static long nowMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000 + now.getNano() / 1000;
    }
}
