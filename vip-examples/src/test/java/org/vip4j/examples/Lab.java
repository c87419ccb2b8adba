package org.vip4j.examples;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The namespace lab of {@code scripts/lab.sh} for end-to-end tests: a unique name per run, launcher processes
 * started inside node namespaces, and everything removed on {@link #close()} or by a shutdown hook.
 */
final class Lab implements AutoCloseable {

    static final String VIP = "198.51.100.100";
    static final String KEY = "/service/e2e/leader";

    /** The co-located lab's endpoints: the three members by host name, and one name that resolves nowhere. */
    static final String ENDPOINTS_BY_NAME =
            "http://etcd1:2379,http://etcd2:2379,http://etcd3:2379,http://etcd-retired:2379";

    private final String name = "v4e" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));
    private final Path root = Path.of("").toAbsolutePath().getParent();
    private final Path script = root.resolve("scripts/lab.sh");
    private final Path jar = root.resolve("vip-examples/target/vip4j.jar");
    private final Path logs;
    private final Map<Integer, Process> nodes = new HashMap<>();
    private final Thread hook = new Thread(this::down, "lab-cleanup");
    private boolean etcdV2;
    private boolean colocated;
    private boolean zookeeper;

    private Lab() throws IOException {
        this.logs = Files.createDirectories(root.resolve("vip-examples/target/e2e-logs/" + name));
    }

    /** Brings a lab up, or fails saying what is missing. */
    static Lab up() throws Exception {
        return up(false);
    }

    /** A lab whose etcd also serves the v2 API (for vip-manager 1.0.2). */
    static Lab up(boolean etcdV2) throws Exception {
        return up(etcdV2, false);
    }

    /**
     * A lab with etcd on the database nodes: a 3-member cluster, member N in node N's namespace, found by the
     * launchers under the host names etcd1..etcd3 ({@link #ENDPOINTS_BY_NAME}).
     */
    static Lab upColocated() throws Exception {
        return up(false, true);
    }

    /** The lab with a ZooKeeper on the DCS host too, at 198.51.100.10:2181 (Patroni's zookeeper mode). */
    static Lab upWithZooKeeper() throws Exception {
        return up(false, false, true);
    }

    private static Lab up(boolean etcdV2, boolean colocated) throws Exception {
        return up(etcdV2, colocated, false);
    }

    private static Lab up(boolean etcdV2, boolean colocated, boolean zookeeper) throws Exception {
        if (!"root".equals(System.getProperty("user.name"))) {
            throw new IllegalStateException("end-to-end tests need root (network namespaces); run ./scripts/test.sh "
                    + "as root");
        }
        Lab lab = new Lab();
        if (!Files.isRegularFile(lab.jar)) {
            throw new IllegalStateException(lab.jar + " is missing: these tests run in `mvn verify` after package");
        }
        lab.etcdV2 = etcdV2;
        lab.colocated = colocated;
        lab.zookeeper = zookeeper;
        Runtime.getRuntime().addShutdownHook(lab.hook);
        lab.script("up");
        return lab;
    }

    String name() {
        return name;
    }

    /** Where this lab's logs and scratch files go. */
    Path logs() {
        return logs;
    }

    /** Starts the launcher on all three nodes with the lab's VIP and key, and waits for each first decision. */
    void startAll() throws Exception {
        for (int n = 1; n <= 3; n++) {
            startNode(n);
        }
        for (int n = 1; n <= 3; n++) {
            awaitStarted(n);
        }
    }

    /** Starts the launcher on node {@code n} (1..3) with the lab's VIP and key, plus {@code extraArgs}. */
    Process startNode(int n, String... extraArgs) throws IOException {
        return startNode(n, true, extraArgs);
    }

    /** Starts the launcher on node {@code n}; without {@code labEnvironment}, the arguments say everything. */
    Process startNode(int n, boolean labEnvironment, String... extraArgs) throws IOException {
        return startNode(n, labEnvironment, Map.of(), extraArgs);
    }

    /** Starts the launcher on node {@code n} with {@code extraEnv} added to its environment (LD_PRELOAD, say). */
    Process startNode(int n, boolean labEnvironment, Map<String, String> extraEnv, String... extraArgs)
            throws IOException {
        // the classes it loads, to compare with the list the CDS archive is made from (LauncherEndToEndIT)
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", name + "-n" + n, "java",
                "-XX:+UseSerialGC", "-Xmx64m", "-XX:TieredStopAtLevel=1",
                "-XX:DumpLoadedClassList=" + logs.resolve("n" + n + ".classlist"), "-jar", jar.toString()));
        cmd.addAll(Arrays.asList(extraArgs));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logs.resolve("n" + n + ".log").toFile()));
        Map<String, String> env = pb.environment();
        env.putAll(extraEnv);
        if (!labEnvironment) {
            Process p = pb.start();
            nodes.put(n, p);
            return p;
        }
        env.put("VIP_IP", VIP);
        env.put("VIP_NETMASK", "24");
        env.put("VIP_INTERFACE", "eth0");
        env.put("VIP_TRIGGER_KEY", KEY);
        env.put("VIP_TRIGGER_VALUE", "n" + n);
        env.put("VIP_DCS_ENDPOINTS", colocated ? ENDPOINTS_BY_NAME : "http://198.51.100.10:2379");
        Process p = pb.start();
        nodes.put(n, p);
        return p;
    }

    /** Runs {@code command} in node {@code n}'s namespace as that node's process (another VIP daemon, say). */
    Process startCommand(int n, List<String> command) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", name + "-n" + n));
        cmd.addAll(command);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logs.resolve("n" + n + ".log").toFile())).start();
        nodes.put(n, p);
        return p;
    }

    /** Runs a bash script in the DCS host's namespace (etcd on 127.0.0.1 there) and waits for it to succeed. */
    void runInDcs(Path script, String logName, Duration timeout) throws Exception {
        Path log = logs.resolve(logName);
        Process p = new ProcessBuilder("ip", "netns", "exec", name + "-dcs", "bash", script.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(script.getFileName() + " failed: " + Files.readString(log));
        }
    }

    Process node(int n) {
        return nodes.get(n);
    }

    /** Waits until node {@code n}'s log shows its first decision. */
    void awaitStarted(int n) throws Exception {
        Path log = logs.resolve("n" + n + ".log");
        await(() -> Files.exists(log) && read(log).contains("first decision"), Duration.ofSeconds(30),
                () -> "n" + n + " did not start: " + read(log));
    }

    String log(int n) {
        return read(logs.resolve("n" + n + ".log"));
    }

    /**
     * Runs a lab.sh fault control: etcd-stop, etcd-start, cut N, heal N, rogue-up, rogue-down, vip-add N, vip-del N,
     * member-stop N, member-start N.
     */
    void control(String... args) throws Exception {
        script(args);
    }

    /** Whether node {@code n} has the VIP on eth0 now: one {@code ip} call, a few milliseconds. */
    boolean holds(int n) throws Exception {
        return holds(n, VIP);
    }

    boolean holds(int n, String vip) throws Exception {
        return run("ip", "-n", name + "-n" + n, "-o", "addr", "show", "dev", "eth0").contains(" " + vip + "/");
    }

    /**
     * Waits until exactly one of {@code among} has {@code vip} on eth0 (the others are not looked at: a dead host
     * keeps its address on its cut cable) and returns it.
     */
    int awaitSoleHolder(String vip, List<Integer> among, Duration timeout) throws Exception {
        List<Integer> found = new ArrayList<>();
        await(() -> {
            found.clear();
            for (int n : among) {
                if (holds(n, vip)) {
                    found.add(n);
                }
            }
            return found.size() == 1;
        }, timeout, () -> "holders of " + vip + " among " + among + ": " + found);
        return found.get(0);
    }

    /** Milliseconds until {@code holds(n)} equals {@code expected}, polling, or fails after {@code timeout}. */
    long millisUntil(int n, boolean expected, Duration timeout) throws Exception {
        long start = System.nanoTime();
        await(() -> holds(n) == expected, timeout, () -> "n" + n + (expected ? " never held" : " still holds")
                + " the VIP");
        return (System.nanoTime() - start) / 1_000_000;
    }

    void put(String value) throws Exception {
        script("put", KEY, value);
    }

    /** Writes the key through etcd member {@code member} of a co-located lab (the majority's side, say). */
    void putVia(int member, String value) throws Exception {
        script("put-via", String.valueOf(member), KEY, value);
    }

    void delete() throws Exception {
        script("del", KEY);
    }

    /** The nodes that have the VIP on eth0 now. */
    List<String> holders() throws Exception {
        String out = script("holders").trim();
        return out.isEmpty() ? List.of() : List.of(out.split(" "));
    }

    /** Polls the lab (an outside process offers no event) until exactly {@code expected} hold the VIP. */
    void awaitHolders(List<String> expected, Duration timeout) throws Exception {
        await(() -> holders().equals(expected), timeout, () -> {
            try {
                return "holders " + holders() + " instead of " + expected;
            } catch (Exception e) {
                return e.toString();
            }
        });
    }

    /** The client pings the VIP and returns the MAC its ARP table then holds for it, or "" when nobody answered. */
    String clientReaches() throws Exception {
        Process ping = new ProcessBuilder("ip", "netns", "exec", name + "-client", "ping", "-c1", "-W1", VIP)
                .redirectErrorStream(true).start();
        if (!ping.waitFor(5, TimeUnit.SECONDS) || ping.exitValue() != 0) {
            return "";
        }
        String neigh = run("ip", "-n", name + "-client", "neigh", "show", VIP);
        String[] parts = neigh.trim().split("\\s+");
        for (int i = 0; i < parts.length - 1; i++) {
            if (parts[i].equals("lladdr")) {
                return parts[i + 1];
            }
        }
        return "";
    }

    String mac(String node) throws Exception {
        String link = run("ip", "-n", name + "-" + node, "link", "show", "eth0");
        int i = link.indexOf("link/ether ");
        return link.substring(i + 11, i + 28);
    }

    @Override
    public void close() {
        down();
        Runtime.getRuntime().removeShutdownHook(hook);
    }

    private void down() {
        nodes.values().forEach(Process::destroyForcibly);
        try {
            script("down");
        } catch (Exception e) {
            System.err.println("lab " + name + ": cleanup failed: " + e);
        }
    }

    private String script(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("bash", script.toString()));
        cmd.addAll(Arrays.asList(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("LAB", name);
        pb.environment().put("LAB_LOGS", logs.toString());
        if (etcdV2) {
            pb.environment().put("LAB_ETCD_V2", "1");
        }
        if (colocated) {
            pb.environment().put("LAB_ETCD_COLOCATED", "1");
        }
        if (zookeeper) {
            pb.environment().put("LAB_ZOOKEEPER", "1");
        }
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("lab.sh " + String.join(" ", args) + " failed: " + out);
        }
        return out;
    }

    private static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(10, TimeUnit.SECONDS);
        return out;
    }

    interface Check {
        boolean ok() throws Exception;
    }

    static void await(Check check, Duration timeout, Supplier<String> why) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!check.ok()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + timeout + ": " + why.get());
            }
            TimeUnit.MILLISECONDS.sleep(5);
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return "";
        }
    }
}
