package org.vip4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Three launcher processes (the shaded vip4j.jar) in the namespace lab with a real etcd: the VIP follows the key,
 * the client always reaches exactly the node the key names, deletes release, SIGTERM releases and exits 0, a crashed
 * holder's stray VIP is removed when it restarts, and bad configurations exit 2; every thread runs at nice -10; the
 * CDS class list still holds what a launcher loads. The tests run in order on one lab.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LauncherEndToEndIT {

    private static final Duration SETTLE = Duration.ofSeconds(5);
    private static Lab lab;

    @BeforeAll
    static void startLab() throws Exception {
        lab = Lab.up();
        lab.startAll();
    }

    @AfterAll
    static void stopLab() {
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    @Order(0)
    void everyThreadOfTheLauncherRunsAtNiceMinusTen() throws Exception {
        lab.put("n1");
        lab.awaitHolders(List.of("n1"), SETTLE);
        Map<String, Integer> nice = new TreeMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc", String.valueOf(lab.node(1).pid()), "task"))) {
            for (Path task : tasks.toList()) {
                String stat = Files.readString(task.resolve("stat"));
                String comm = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
                nice.merge(comm, Integer.parseInt(fields[16]), Math::max);
            }
        }
        assertThat(lab.log(1)).contains("vip4j runs at nice -10 (started at 0)");
        // /proc shortens thread names to 15 characters; the JVM's own threads too (a VM thread left behind would
        // stop the raised ones at every safepoint while it waits for a CPU)
        assertThat(nice).as("nice value per thread name").containsEntry("vip4j-decide-1", -10)
                .containsEntry("vip4j-etcd", -10).containsEntry("grpc-nio-worker", -10)
                .containsEntry("VM Thread", -10).containsEntry("C1 CompilerThre", -10);
        assertThat(nice.values()).as("every thread").containsOnly(-10);
    }

    @Test
    @Order(1)
    void theVipFollowsTheKeyAndTheClientReachesExactlyThatNode() throws Exception {
        for (String leader : List.of("n1", "n2", "n3", "n1")) {
            lab.put(leader);
            lab.awaitHolders(List.of(leader), SETTLE);
            assertThat(lab.clientReaches()).as("the client's ARP entry after pinging the VIP (leader %s)", leader)
                    .isEqualTo(lab.mac(leader));
            assertThat(lab.holders()).containsExactly(leader);
        }
    }

    @Test
    @Order(2)
    void deletingTheKeyReleasesTheVipEverywhere() throws Exception {
        lab.put("n2");
        lab.awaitHolders(List.of("n2"), SETTLE);
        lab.delete();
        lab.awaitHolders(List.of(), SETTLE);
        assertThat(lab.log(2)).as("released only after the handover grace").contains("HANDOVER_WAIT");
        assertThat(lab.clientReaches()).isEmpty();
        assertThat(lab.log(2)).contains("HANDOVER_WAIT").contains("no new leader within handover-grace");
    }

    @Test
    @Order(3)
    void aCrashedHoldersStrayVipIsRemovedWhenItRestarts() throws Exception {
        lab.put("n1");
        lab.awaitHolders(List.of("n1"), SETTLE);
        lab.node(1).destroyForcibly().waitFor(10, TimeUnit.SECONDS); // SIGKILL: no chance to clean up
        lab.put("n2");
        lab.awaitHolders(List.of("n1", "n2"), SETTLE); // the crashed node's address is still configured
        lab.startNode(1);
        lab.awaitHolders(List.of("n2"), Duration.ofSeconds(30));
        // the log line follows the removal by a moment
        Lab.await(() -> lab.log(1).contains("removed a stray VIP from eth0"), SETTLE, () -> lab.log(1));
        assertThat(lab.clientReaches()).isEqualTo(lab.mac("n2"));
    }

    @Test
    @Order(4)
    void sigtermOnTheHolderReleasesTheVipAndExitsZero() throws Exception {
        lab.awaitStarted(1);
        lab.put("n3");
        lab.awaitHolders(List.of("n3"), SETTLE);
        Process n3 = lab.node(3);
        n3.destroy(); // SIGTERM
        assertThat(n3.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(n3.exitValue()).isZero();
        assertThat(lab.holders()).isEmpty();
        Lab.await(() -> lab.log(3).contains("VIP removed from eth0 on close"), SETTLE, () -> lab.log(3));
    }

    @Test
    @Order(5)
    void aBadConfigurationExitsTwoNamingTheKey() throws Exception {
        Path jar = Path.of("").toAbsolutePath().resolve("target/vip4j.jar");
        Process p = new ProcessBuilder("java", "-jar", jar.toString(), "--ip", "198.51.100.100", "--netmask", "64",
                "--interface", "lo", "--trigger-key", "/k", "--interval", "soon", "--etcd-password", "hunter2")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(2);
        assertThat(out).contains("--interval=soon").contains("--netmask=64").contains("--etcd-password=*****")
                .doesNotContain("hunter2").doesNotContain("Exception").doesNotContain("\tat ");
    }

    /**
     * The class list the CDS archive is made from (packaging/deb/vip4j.classlist, by scripts/cds-classlist.sh) still
     * holds what a launcher loads: n3 started, held, released on SIGTERM. A class missing from it is loaded the slow
     * way; enough of them and the start-up that docs/benchmark.md reports is gone, so the list is made again.
     */
    @Test
    @Order(6)
    void theCdsClassListHoldsWhatALauncherLoads() throws Exception {
        List<String> committed = classNames(Path.of("").toAbsolutePath().getParent()
                .resolve("packaging/deb/vip4j.classlist"));
        List<String> loaded = classNames(lab.logs().resolve("n3.classlist")).stream()
                .filter(c -> !c.startsWith("java/") && !c.startsWith("javax/") && !c.startsWith("jdk/")
                        && !c.startsWith("sun/") && !c.startsWith("com/sun/"))
                .toList();
        Set<String> listed = new HashSet<>(committed);
        List<String> missing = loaded.stream().filter(c -> !listed.contains(c)).toList();
        double share = 100.0 * (loaded.size() - missing.size()) / loaded.size();
        System.out.printf("CDS class list: %d of n3's %d non-JDK classes listed (%.1f %%); missing: %s%n",
                loaded.size() - missing.size(), loaded.size(), share, missing.stream().limit(20).toList());
        assertThat(loaded).as("n3's loaded classes").hasSizeGreaterThan(1000);
        assertThat(share).as("share of n3's classes in packaging/deb/vip4j.classlist; if it is too low, run "
                + "scripts/cds-classlist.sh (missing: " + missing + ")").isGreaterThanOrEqualTo(95.0);
    }

    /** The classes of a -XX:DumpLoadedClassList file: no comments, no lambda proxies, no attributes after the name. */
    private static List<String> classNames(Path file) throws IOException {
        return Files.readAllLines(file).stream()
                .filter(l -> !l.isBlank() && !l.startsWith("#") && !l.startsWith("@"))
                .map(l -> l.split(" ")[0])
                .toList();
    }
}
