package org.vip4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The holder's wall clock steps by an hour, as NTP, a VM resume or a hand-run {@code date} do: Debian's libfaketime
 * moves the wall clock of n1's JVM only ({@code DONT_FAKE_MONOTONIC=1}), read from a file the test rewrites. Every
 * deadline runs on the monotonic clock, so the steps change nothing, and a holder cut off after a step back still
 * releases on time instead of an hour late (when another node has long taken over).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WallClockStepIT {

    private static final Path LIBFAKETIME = Path.of("/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1");
    private static final Duration SETTLE = Duration.ofSeconds(5);
    private static final Pattern UNCONFIRMED = Pattern.compile("leadership not confirmed for (\\d+) ms");
    /** USER_HZ, the unit of {@code /proc/<pid>/stat}'s times: 100 on every Linux architecture we run on. */
    private static final long CLOCK_TICKS_PER_SECOND = 100;
    private static Lab lab;
    private static Path offsetFile;

    @BeforeAll
    static void startLab() throws Exception {
        if (!Files.isRegularFile(LIBFAKETIME)) {
            throw new IllegalStateException(LIBFAKETIME + " is missing: install Debian's faketime package "
                    + "(scripts/install-deps.sh does)");
        }
        lab = Lab.up();
        offsetFile = lab.logs().resolve("n1.faketime");
        Files.writeString(offsetFile, "+0\n");
        // FAKETIME_FORCE_MONOTONIC_FIX=0: libfaketime 0.9.10 otherwise rewrites the JVM's monotonic timed waits
        // (pthread_cond_timedwait on CLOCK_MONOTONIC) so that they return at once, and every parked thread of n1
        // spun: 2 cores at 100 % (half of it in the kernel) for the whole test, which starved etcd, the other
        // nodes and the test's own `ip` calls (200-550 ms each) and made the bounds below miss by that much
        lab.startNode(1, true, Map.of("LD_PRELOAD", LIBFAKETIME.toString(),
                "FAKETIME_TIMESTAMP_FILE", offsetFile.toString(), "FAKETIME_CACHE_DURATION", "1",
                "FAKETIME_DONT_FAKE_MONOTONIC", "1", "FAKETIME_FORCE_MONOTONIC_FIX", "0"));
        lab.startNode(2);
        lab.startNode(3);
        for (int n = 1; n <= 3; n++) {
            lab.awaitStarted(n);
        }
        lab.put("n1");
        // setup, not a bound: three JVMs starting at once on 2 cores, one of them under libfaketime, can take 10 s
        // to their first confirmed hold
        lab.awaitHolders(List.of("n1"), Duration.ofSeconds(30));
        // the VIP is on the interface just before the line that says so
        Lab.await(() -> lab.log(1).contains("(ACQUIRED)"), SETTLE, () -> lab.log(1));
    }

    @AfterAll
    static void stopLab() throws IOException {
        if (lab != null) {
            long pid = lab.node(1) == null ? -1 : lab.node(1).pid();
            lab.close();
            // libfaketime keeps a shared-memory segment and a semaphore per process and removes them at exit, which
            // a killed node never reaches
            Files.deleteIfExists(Path.of("/dev/shm/faketime_shm_" + pid));
            Files.deleteIfExists(Path.of("/dev/shm/sem.faketime_sem_" + pid));
        }
    }

    /**
     * Sets n1's wall clock to real time plus {@code seconds}, within a second: libfaketime re-reads the file once a
     * second (FAKETIME_NO_CACHE, a read on every clock call, slowed the JVM so much that its gRPC channel to etcd
     * never became ready on a busy machine).
     */
    private static void stepWall(long seconds) throws Exception {
        Files.writeString(offsetFile, (seconds >= 0 ? "+" : "") + seconds + "\n");
    }

    @Test
    @Order(1)
    void stepsOfAnHourEitherWayOnTheHolderChangeNothing() throws Exception {
        int linesBefore = lab.log(1).lines().toList().size();
        long cpuBefore = cpuMillis(lab.node(1).pid());
        long start = System.nanoTime();
        stepWall(3600);
        // 1 s for libfaketime to pick the step up, then longer than the 3 s lease: a wall-clock lease would act
        TimeUnit.SECONDS.sleep(5);
        assertThat(lab.holders()).containsExactly("n1");
        stepWall(-3600);
        TimeUnit.SECONDS.sleep(5);
        assertThat(lab.holders()).containsExactly("n1");
        long cpu = cpuMillis(lab.node(1).pid()) - cpuBefore;
        long wall = (System.nanoTime() - start) / 1_000_000;
        System.out.printf("n1 under libfaketime: %d ms of CPU in %d ms%n", cpu, wall);
        // not a performance bound (an idle holder uses about 1 %): a JVM that libfaketime makes spin uses 200 %,
        // and every timing in this test would then measure the starved machine instead of vip4j
        assertThat(cpu).as("n1's CPU ms in %d ms: libfaketime must not make its JVM spin", wall)
                .isLessThan(wall / 4);
        List<String> after = lab.log(1).lines().skip(linesBefore).toList();
        System.out.println("wall clock ±1 h on the holder: log lines since the first step: " + after);
        assertThat(after).as("n1's log after the steps: no release, re-add or DCS loss").noneMatch(l ->
                l.contains("VipManager"));
        assertThat(lab.log(1)).doesNotContain("RELEASED");
    }

    /** User plus system CPU time of process {@code pid} so far, from {@code /proc/<pid>/stat}. */
    private static long cpuMillis(long pid) throws Exception {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        // the fields after the command name, which may hold spaces, begin after its closing parenthesis
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14 and 15)
        return ticks * 1000 / CLOCK_TICKS_PER_SECOND;
    }

    @Test
    @Order(2)
    void aHolderCutOffAfterItsClockSteppedBackReleasesOnTime() throws Exception {
        stepWall(-3600); // stays an hour behind, as after test 1
        long asked = System.nanoTime();
        lab.control("cut", "1");
        // the link goes down as lab.sh's last step, so the cut is a few ms before it returns (starting the
        // script can take most of a second on a busy machine)
        long cutAt = System.nanoTime();
        lab.millisUntil(1, false, Duration.ofSeconds(10));
        long sinceCut = (System.nanoTime() - cutAt) / 1_000_000;
        lab.put("n2"); // meanwhile Patroni would have moved the key; n1, cut off, cannot see it
        String lost = lab.log(1).lines().filter(l -> l.contains("(DCS_LOST)")).reduce((a, b) -> b).orElseThrow();
        Matcher m = UNCONFIRMED.matcher(lost);
        assertThat(m.find()).as("the DCS_LOST line says how long leadership went unconfirmed: " + lost).isTrue();
        long unconfirmed = Long.parseLong(m.group(1));
        long skew = Duration.between(Instant.now(), OffsetDateTime.parse(lost.substring(0, lost.indexOf(' ')))
                .toInstant()).toSeconds();
        System.out.printf("holder an hour behind (its log says %+d s), cut off (lab.sh took %d ms): VIP gone %d ms "
                + "after the cut; leadership unconfirmed for %d ms on its monotonic clock%n", skew,
                (cutAt - asked) / 1_000_000, sinceCut, unconfirmed);
        assertThat(skew).as("libfaketime moved n1's wall clock back an hour (log timestamp vs now, s)")
                .isBetween(-3660L, -3540L);
        // the lease: retry-num x keepalive-period = 3 s from the last answered confirmation, on the monotonic clock
        // (with the wall-clock bug this read 3603000 ms)
        // a late turn names where its time went (timer, workers, the previous turn): in the message if it comes
        List<String> late = lab.log(1).lines().filter(l -> l.contains("vip4j loop") || l.contains(" woke ")).toList();
        assertThat(unconfirmed).as("ms without confirmation when n1 released; n1's lines on late turns: " + late)
                .isBetween(3_000L, 3_500L);
        // that confirmation came 0-1 s before the cut, or 1-2 s when the one in flight at the cut was lost with it
        assertThat(sinceCut).as("ms from the cut until n1 no longer held the VIP").isBetween(1_000L, 3_500L);
        lab.control("heal", "1");
        lab.awaitHolders(List.of("n2"), SETTLE);
    }
}
