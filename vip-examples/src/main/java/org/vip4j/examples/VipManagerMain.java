package org.vip4j.examples;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vip4j.VipConfig;
import org.vip4j.VipConfigException;
import org.vip4j.VipManager;
import org.vip4j.net.linux.ThreadPriority;
import org.vip4j.spi.DcsClient;
import picocli.CommandLine;

/**
 * The vip4j launcher, a drop-in for vip-manager: {@code java -jar vip4j.jar [run|check] [--config FILE] [--key
 * VALUE ...]}. Reads flags, the {@code VIP_*} environment and a vip-manager YAML file, starts one
 * {@link VipManager} per VIP on one shared DCS connection, and on SIGTERM or SIGINT removes the VIPs it holds before
 * exiting 0.
 */
public final class VipManagerMain {

    static final int OK = 0;
    static final int RUNTIME_FAILURE = 1;
    static final int BAD_CONFIGURATION = 2;

    private final Map<String, String> env;
    private final PrintStream out;
    private final PrintStream err;
    private final CountDownLatch stop = new CountDownLatch(1);
    private final AtomicBoolean closed = new AtomicBoolean();
    private final List<VipManager> managers = Collections.synchronizedList(new ArrayList<>());
    private DcsClient dcs;
    private StatusServer status;

    VipManagerMain(Map<String, String> env, PrintStream out, PrintStream err) {
        this.env = env;
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        VipManagerMain main = new VipManagerMain(System.getenv(), System.out, System.err);
        main.handleSignals();
        System.exit(main.execute(args));
    }

    /** Runs a command; for {@code run}, returns only after {@link #requestStop()}. */
    int execute(String... args) {
        CommandLine cl = LauncherOptions.commandLine();
        LauncherOptions.Parsed p;
        try {
            p = LauncherOptions.parse(cl, args);
        } catch (CommandLine.ParameterException e) {
            err.println("vip4j: " + e.getMessage());
            err.println("Try 'vip4j --help'.");
            return BAD_CONFIGURATION;
        }
        if (p.help()) {
            cl.usage(out);
            return OK;
        }
        if (p.version()) {
            out.println("vip4j " + version());
            return OK;
        }
        if (p.command().equals("completion")) {
            out.print(LauncherOptions.bashCompletion(cl));
            return OK;
        }
        if (!p.command().equals("run") && !p.command().equals("check")) {
            err.println("vip4j: unknown command '" + p.command() + "'; allowed: run, check, completion");
            return BAD_CONFIGURATION;
        }
        List<VipConfig> configs;
        try {
            String file = p.configFile() != null ? p.configFile() : env.get("VIP_CONFIG");
            List<Map<String, Object>> files = file == null ? List.of(Map.of()) : ConfigFile.load(Path.of(file));
            LauncherLogging.configure(p.keys(), env, files.get(0));
            configs = configs(files, p.keys());
        } catch (VipConfigException e) {
            printProblems(e.problems());
            return BAD_CONFIGURATION;
        }
        Logger log = LoggerFactory.getLogger("org.vip4j.launcher");
        if (p.command().equals("check")) {
            configs.forEach(c -> out.print(c.describe()));
            out.println("configuration OK: " + configs.size() + (configs.size() == 1 ? " VIP" : " VIPs"));
            return OK;
        }
        return run(configs, p, log);
    }

    /** Stops a running {@code run}: its VIPs are removed (unless --keep-on-stop) and execute returns 0. */
    void requestStop() {
        stop.countDown();
    }

    private List<VipConfig> configs(List<Map<String, Object>> files, Map<String, String> flags) {
        List<VipConfig> configs = new ArrayList<>();
        Set<String> problems = new LinkedHashSet<>();
        for (Map<String, Object> file : files) {
            VipConfig.Builder b = VipConfig.builder().fromFile(file).fromEnvironment(env);
            flags.forEach(b::set);
            List<String> found = VipManager.check(b);
            if (found.isEmpty()) {
                configs.add(b.build());
            } else {
                problems.addAll(found);
            }
        }
        if (!problems.isEmpty()) {
            throw new VipConfigException(new ArrayList<>(problems));
        }
        return configs;
    }

    private int run(List<VipConfig> configs, LauncherOptions.Parsed p, Logger log) {
        log.info("vip4j {} starting {} VIP(s); effective configuration:", version(), configs.size());
        configs.forEach(c -> c.describe().lines().forEach(l -> log.info("  {}", l)));
        raisePriority(p.nice(), log); // the JVM's threads now; those the DCS client and the managers start inherit it
        try {
            dcs = VipManager.createDcsClient(configs.get(0));
            List<VipMetrics> metrics = new ArrayList<>();
            for (VipConfig c : configs) {
                VipManager m = VipManager.builder().config(c).dcsClient(dcs).keepVipOnClose(p.keepOnStop()).build();
                managers.add(m);
                VipMetrics vm = new VipMetrics(m);
                m.addListener(vm);
                metrics.add(vm);
            }
            AtomicBoolean first = new AtomicBoolean(true);
            managers.forEach(m -> m.addListener(e -> {
                if (first.compareAndSet(true, false)) {
                    long ms = ManagementFactory.getRuntimeMXBean().getUptime(); // monotonic, unlike start time
                    log.info("first decision {} ms after JVM start ({} -> {})", ms, e.from(), e.to());
                }
            }));
            if (p.statusAddress() != null) {
                status = new StatusServer(p.statusAddress(), metrics);
                log.info("status endpoint on http://{}/ (/health, /state, /metrics)", p.statusAddress());
            }
            managers.forEach(VipManager::start);
        } catch (VipConfigException e) {
            printProblems(e.problems());
            shutdown(log);
            return BAD_CONFIGURATION;
        } catch (RuntimeException | java.io.IOException e) {
            err.println("vip4j: cannot start: " + e.getMessage());
            log.debug("start failure", e);
            shutdown(log);
            return RUNTIME_FAILURE;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> shutdown(log), "vip4j-shutdown"));
        try {
            stop.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        shutdown(log);
        return OK;
    }

    private static void raisePriority(int nice, Logger log) {
        try {
            int before = ThreadPriority.current();
            Optional<String> refused = ThreadPriority.raiseProcess(nice);
            if (refused.isPresent()) {
                log.warn("vip4j stays at nice {}: {}. On a host busy with a switchover (a PostgreSQL shutdown "
                        + "checkpoint, say) a handover can then wait tens of ms for a CPU; --nice {} silences this",
                        before, refused.get(), before);
            } else if (ThreadPriority.current() < before) {
                log.info("vip4j runs at nice {} (started at {}), so that a busy host does not delay a handover",
                        ThreadPriority.current(), before);
            }
        } catch (RuntimeException e) {
            log.warn("vip4j keeps its priority: {}", e.getMessage());
        }
    }

    /** Closes every manager (each removes its VIP unless --keep-on-stop), then the DCS client. Runs once. */
    private void shutdown(Logger log) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (!managers.isEmpty()) {
            log.info("stopping {} VIP(s)", managers.size());
        }
        List<Thread> closers = new ArrayList<>();
        for (VipManager m : List.copyOf(managers)) {
            Thread t = new Thread(m::close, "vip4j-close");
            t.start();
            closers.add(t);
        }
        for (Thread t : closers) {
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (status != null) {
            status.close();
        }
        if (dcs != null) {
            dcs.close();
        }
    }

    /** SIGTERM and SIGINT stop the launcher in order: VIPs removed, exit code 0 (not 143). */
    @SuppressWarnings("restriction")
    private void handleSignals() {
        for (String name : List.of("TERM", "INT")) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name), s -> requestStop());
            } catch (IllegalArgumentException e) {
                // the signal is reserved by the JVM here; the shutdown hook still releases the VIPs
            }
        }
    }

    private void printProblems(List<String> problems) {
        err.println("vip4j: invalid configuration (" + problems.size()
                + (problems.size() == 1 ? " problem):" : " problems):"));
        problems.forEach(pr -> err.println("  - " + pr));
    }

    static String version() {
        String v = VipManagerMain.class.getPackage().getImplementationVersion();
        return v == null ? "(development build)" : v;
    }
}
