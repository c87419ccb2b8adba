package org.vip4j.net.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.vip4j.net.linux.testing.NetnsLab;

/**
 * The nice value is a thread's on Linux, and a thread starts with its creator's: what the launcher relies on when it
 * raises its main thread before the DCS client and the managers start theirs. Each case runs on a thread of its
 * own, so the test JVM's other threads keep theirs.
 */
class ThreadPriorityTest {

    @Test
    void raisingCoversTheCallingThreadAndTheThreadsItStartsButNoOther() throws Exception {
        int before = ThreadPriority.current();
        Result r = onNewThread(() -> {
            Optional<String> refused = ThreadPriority.raiseCallingThread(-10);
            CompletableFuture<Integer> child = new CompletableFuture<>();
            new Thread(() -> child.complete(ThreadPriority.current())).start();
            return new Result(refused, ThreadPriority.current(), child.get(5, TimeUnit.SECONDS));
        });
        assertThat(r.refused()).as("as root").isEmpty();
        assertThat(r.own()).isEqualTo(-10);
        assertThat(r.child()).as("a thread started afterwards").isEqualTo(-10);
        assertThat(ThreadPriority.current()).as("the test's own thread").isEqualTo(before);
    }

    @Test
    void aThreadAlreadyAtAHigherPriorityKeepsIt() throws Exception {
        Result r = onNewThread(() -> {
            ThreadPriority.raiseCallingThread(-15);
            return new Result(ThreadPriority.raiseCallingThread(-10), ThreadPriority.current(), 0);
        });
        assertThat(r.refused()).isEmpty();
        assertThat(r.own()).as("systemd's Nice=-15, say, is not weakened to -10").isEqualTo(-15);
    }

    @Test
    void withoutCapSysNiceTheRefusalSaysWhatIsMissing() {
        NetnsLab.requireTool("setpriv", "util-linux");
        String out = NetnsLab.run("setpriv", "--inh-caps=-sys_nice", "--bounding-set=-sys_nice",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), RaisePriorityMain.class.getName(), "-10").trim();
        assertThat(out).isEqualTo("setpriority(nice -10) failed: EACCES (Permission denied); raising a priority "
                + "needs CAP_SYS_NICE (or root)");
    }

    @Test
    void raisingTheProcessCoversEveryThreadTheJvmsOwnIncluded() {
        String out = NetnsLab.run(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), RaisePriorityMain.class.getName(), "-10", "process").trim();
        assertThat(out).isEqualTo("threads not at nice -10: 0");
    }

    @Test
    void aNiceValueOutsideTheKernelsRangeIsABug() {
        for (int bad : List.of(-21, 20)) {
            assertThatThrownBy(() -> ThreadPriority.raiseCallingThread(bad))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("nice " + bad + " outside -20..19");
        }
    }

    private record Result(Optional<String> refused, int own, int child) {
    }

    private interface Body {
        Result run() throws Exception;
    }

    private static Result onNewThread(Body body) throws Exception {
        CompletableFuture<Result> result = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                result.complete(body.run());
            } catch (Exception | Error e) {
                result.completeExceptionally(e);
            }
        });
        t.start();
        return result.get(10, TimeUnit.SECONDS);
    }
}
