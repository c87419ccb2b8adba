package org.vip4j.net.linux.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Throw-away network namespaces for tests: unique names ({@code vip4jt-<pid>-<random>-<role>}), veth pairs and
 * bridges between them, commands run inside them, and removal of all of it on {@link #close()} or, if the JVM
 * dies first, from a shutdown hook. A lab left behind by a JVM killed with SIGKILL is removed by the next lab,
 * which deletes {@code vip4jt-<pid>-*} namespaces whose process is gone.
 *
 * <p>Never attaches anything to a real interface and never adds routes: a lab is an island. Callers choose
 * addresses from 198.51.100.0/24 and 2001:db8::/32 only.
 */
public final class NetnsLab implements AutoCloseable {

    public static final String PREFIX = "vip4jt-";
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(20);

    private final String id;
    private final List<String> namespaces = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();
    private final Thread hook;
    private boolean closed;

    private NetnsLab() {
        this.id = PREFIX + ProcessHandle.current().pid() + "-"
                + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));
        this.hook = new Thread(this::cleanUp, "netns-lab-cleanup-" + id);
    }

    /**
     * Checks root and {@code ip}, removes labs of dead processes, and returns an empty lab.
     *
     * @throws IllegalStateException saying what is missing and how to get it
     */
    public static NetnsLab create() {
        requireRoot();
        requireTool("ip", "iproute2");
        removeOrphans();
        NetnsLab lab = new NetnsLab();
        Runtime.getRuntime().addShutdownHook(lab.hook);
        return lab;
    }

    /** Fails with an install hint unless {@code tool} is on the PATH. */
    public static void requireTool(String tool, String debianPackage) {
        String path = System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin") + ":/usr/sbin:/sbin";
        for (String dir : path.split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                return;
            }
        }
        throw new IllegalStateException("this test needs '" + tool + "', which is not on the PATH; install it with"
                + " `apt-get install " + debianPackage + "`");
    }

    private static void requireRoot() {
        String status;
        try {
            status = Files.readString(Path.of("/proc/self/status"));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc/self/status to check for root", e);
        }
        boolean root = status.lines().anyMatch(l -> l.startsWith("Uid:") && l.split("\\s+")[2].equals("0"));
        if (!root) {
            throw new IllegalStateException("network namespace tests must run as root (they create namespaces, veth"
                    + " pairs and raw sockets); run `mvn verify` as root, e.g. with sudo");
        }
    }

    private static void removeOrphans() {
        String[] names = Path.of("/var/run/netns").toFile().list();
        if (names == null) {
            return;
        }
        for (String name : names) {
            String[] parts = name.split("-");
            if (name.startsWith(PREFIX) && parts.length >= 3 && parts[1].chars().allMatch(Character::isDigit)
                    && ProcessHandle.of(Long.parseLong(parts[1])).isEmpty()) {
                runQuietly("ip", "netns", "del", name);
            }
        }
    }

    /** Creates namespace {@code <lab id>-<role>} with its loopback up and returns its name. */
    public synchronized String namespace(String role) {
        String name = id + "-" + role;
        run("ip", "netns", "add", name);
        namespaces.add(name);
        ip(name, "link", "set", "lo", "up");
        return name;
    }

    /** A veth pair from {@code nsA}/{@code ifA} to {@code nsB}/{@code ifB}, both ends up. Names up to 15 bytes. */
    public void veth(String nsA, String ifA, String nsB, String ifB) {
        ip(nsA, "link", "add", "name", ifA, "type", "veth", "peer", "name", ifB, "netns", nsB);
        ip(nsA, "link", "set", ifA, "up");
        ip(nsB, "link", "set", ifB, "up");
    }

    /**
     * A bridge in {@code ns} with {@code ports} (interfaces already in {@code ns}) attached, up. Multicast snooping
     * is off, so neighbour discovery multicast reaches every port without an MLD querier.
     */
    public void bridge(String ns, String bridge, String... ports) {
        ip(ns, "link", "add", "name", bridge, "type", "bridge", "mcast_snooping", "0");
        for (String port : ports) {
            ip(ns, "link", "set", port, "master", bridge);
        }
        ip(ns, "link", "set", bridge, "up");
    }

    /** Runs {@code ip -n ns args...} and returns its output; fails with ip's message on a non-zero exit. */
    public String ip(String ns, String... args) {
        List<String> cmd = new ArrayList<>(List.of("ip", "-n", ns));
        cmd.addAll(Arrays.asList(args));
        return run(cmd.toArray(String[]::new));
    }

    /** Runs a command inside {@code ns} ({@code ip netns exec}) and returns its output. */
    public String exec(String ns, String... command) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        cmd.addAll(Arrays.asList(command));
        return run(cmd.toArray(String[]::new));
    }

    /** Starts a long-running command inside {@code ns}; the lab kills it on close. */
    public synchronized Process start(String ns, String... command) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        cmd.addAll(Arrays.asList(command));
        try {
            Process p = new ProcessBuilder(cmd).start();
            processes.add(p);
            return p;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + cmd + ": " + e.getMessage(), e);
        }
    }

    /** The MAC address of {@code ifname} in {@code ns}, as {@code ip link} prints it. */
    public String mac(String ns, String ifname) {
        String out = ip(ns, "-o", "link", "show", "dev", ifname);
        int at = out.indexOf("link/ether ");
        if (at < 0) {
            throw new IllegalStateException(ifname + " in " + ns + " has no Ethernet address: " + out);
        }
        return out.substring(at + 11, at + 28);
    }

    /** A thread switched into {@code ns}; close it when done. */
    public NetnsThread enter(String ns) {
        return NetnsThread.enter(ns);
    }

    /** Kills started processes and deletes every namespace of this lab (their interfaces go with them). */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        cleanUp();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down; the hook ran or runs cleanUp, which is idempotent
        }
    }

    private synchronized void cleanUp() {
        if (closed) {
            return;
        }
        closed = true;
        for (Process p : processes) {
            p.destroyForcibly();
        }
        for (String ns : namespaces) {
            runQuietly("ip", "netns", "del", ns);
        }
    }

    /** Runs a command to completion; returns stdout, or throws with stderr on failure or timeout. */
    public static String run(String... command) {
        Path out = null;
        Path err = null;
        try {
            // files, not pipes: waitFor's deadline then holds even if the command never closes its output
            out = Files.createTempFile("netns-lab", ".out");
            err = Files.createTempFile("netns-lab", ".err");
            Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            if (!p.waitFor(COMMAND_TIMEOUT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish in " + COMMAND_TIMEOUT);
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed with exit code " + p.exitValue()
                        + ": " + Files.readString(err).trim());
            }
            return Files.readString(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + String.join(" ", command) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + String.join(" ", command), e);
        } finally {
            deleteQuietly(out);
            deleteQuietly(err);
        }
    }

    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // a temp file left behind is harmless
            }
        }
    }

    private static void runQuietly(String... command) {
        try {
            run(command);
        } catch (RuntimeException e) {
            System.err.println("netns lab cleanup: " + e.getMessage());
        }
    }
}
