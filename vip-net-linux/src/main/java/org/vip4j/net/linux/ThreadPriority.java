package org.vip4j.net.linux;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Raising the scheduling priority (lowering the nice value) of a thread or of the whole process. On Linux the nice
 * value belongs to a thread, and a thread starts with its creator's.
 *
 * <p>Why a VIP daemon wants it: in the seconds of a switchover its host is at its busiest (the old primary's
 * shutdown checkpoint, Patroni, the new primary's promotion). Measured in the Patroni lab on 2 cores at the default
 * nice 0, the old holder's threads waited 20 to 110 ms in the run queue between etcd's delete and the decision,
 * which is what makes the two-holder window of a handover long.
 */
public final class ThreadPriority {

    /** The range {@code setpriority(2)} accepts. */
    public static final int MIN_NICE = -20;
    public static final int MAX_NICE = 19;
    private static final int ESRCH = 3;

    private ThreadPriority() {
    }

    /** The calling thread's nice value, from {@code /proc/thread-self/stat}. */
    public static int current() {
        try {
            return niceOf(Files.readString(Path.of("/proc/thread-self/stat")));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read this thread's nice value from /proc/thread-self/stat", e);
        }
    }

    /**
     * Sets every thread of this process that runs at a lower priority than {@code nice} to it (Linux keeps a nice
     * value per thread, so this is {@code renice} over {@code /proc/self/task}), and with it every thread they start
     * later. The JVM's own threads are included on purpose: a VM thread (safepoints, the serial GC) at a lower
     * priority than the threads that wait for it stops them all for as long as it waits for a CPU. Measured with
     * only the calling thread raised: the wall-clock test's etcd reads missed their 1 s deadline in 2 of 2 runs,
     * none of 3 with nothing raised, none with everything raised.
     *
     * @return empty on success, else why the kernel refused the first thread it refused (needs CAP_SYS_NICE)
     */
    public static Optional<String> raiseProcess(int nice) {
        check(nice);
        // a thread not yet raised may start one between the listing and its own turn: pass again until none is left
        for (int pass = 0; pass < 5; pass++) {
            int raised = 0;
            try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
                for (Path task : tasks.toList()) {
                    int current;
                    try {
                        current = niceOf(Files.readString(task.resolve("stat")));
                    } catch (IOException e) {
                        continue; // the thread ended meanwhile
                    }
                    if (current <= nice) {
                        continue;
                    }
                    int tid = Integer.parseInt(task.getFileName().toString());
                    if (LibC.get().setpriority(LibC.PRIO_PROCESS, tid, nice) != 0) {
                        int errno = LibC.errno();
                        if (errno != ESRCH) {
                            return Optional.of(refusal(nice, errno));
                        }
                    }
                    raised++;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list this process's threads in /proc/self/task", e);
            }
            if (raised == 0) {
                break;
            }
        }
        return Optional.empty();
    }

    /**
     * Sets the calling thread's nice value to {@code nice} unless it is already at least that high a priority
     * (lower or equal), so a stronger setting from outside (systemd's {@code Nice=}) is kept.
     *
     * @return empty on success or when nothing was to do, else why the kernel refused (needs CAP_SYS_NICE)
     */
    public static Optional<String> raiseCallingThread(int nice) {
        check(nice);
        if (current() <= nice) {
            return Optional.empty();
        }
        if (LibC.get().setpriority(LibC.PRIO_PROCESS, 0, nice) != 0) {
            return Optional.of(refusal(nice, LibC.errno()));
        }
        return Optional.empty();
    }

    private static void check(int nice) {
        if (nice < MIN_NICE || nice > MAX_NICE) {
            throw new IllegalArgumentException("nice " + nice + " outside " + MIN_NICE + ".." + MAX_NICE);
        }
    }

    private static String refusal(int nice, int errno) {
        boolean denied = errno == Errno.EPERM || errno == Errno.EACCES;
        return "setpriority(nice " + nice + ") failed: " + Errno.describe(errno)
                + (denied ? "; raising a priority needs CAP_SYS_NICE (or root)" : "");
    }

    /** Field 19 of proc(5)'s stat line; comm may hold spaces and parentheses, so count after the last ')'. */
    static int niceOf(String stat) {
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        return Integer.parseInt(fields[16]);
    }
}
