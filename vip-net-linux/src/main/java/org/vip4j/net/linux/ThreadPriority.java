package org.vip4j.net.linux;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The calling thread's nice value, and raising it. On Linux the nice value belongs to a thread, and a thread starts
 * with its creator's: raised on the thread that then builds the DCS client and starts the managers, it covers every
 * thread that decides or carries a DCS answer (the loop, the DCS client's executor, gRPC's and Netty's threads, the
 * handover listener), while the JVM's compiler and GC threads, started before, stay where they were.
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

    private ThreadPriority() {
    }

    /** The calling thread's nice value, from {@code /proc/thread-self/stat}. */
    public static int current() {
        try {
            String stat = Files.readString(Path.of("/proc/thread-self/stat"));
            // "tid (comm) state ppid ...": comm may hold spaces and parentheses, so count fields after the last ')'
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
            return Integer.parseInt(fields[16]); // field 19 of proc(5), the 17th after comm
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read this thread's nice value from /proc/thread-self/stat", e);
        }
    }

    /**
     * Sets the calling thread's nice value to {@code nice} unless it is already at least that high a priority
     * (lower or equal), so a stronger setting from outside (systemd's {@code Nice=}) is kept.
     *
     * @return empty on success or when nothing was to do, else why the kernel refused (needs CAP_SYS_NICE)
     */
    public static Optional<String> raiseCallingThread(int nice) {
        if (nice < MIN_NICE || nice > MAX_NICE) {
            throw new IllegalArgumentException("nice " + nice + " outside " + MIN_NICE + ".." + MAX_NICE);
        }
        if (current() <= nice) {
            return Optional.empty();
        }
        if (LibC.get().setpriority(LibC.PRIO_PROCESS, 0, nice) != 0) {
            int errno = LibC.errno();
            boolean denied = errno == Errno.EPERM || errno == Errno.EACCES;
            return Optional.of("setpriority(nice " + nice + ") failed: " + Errno.describe(errno)
                    + (denied ? "; raising a priority needs CAP_SYS_NICE (or root)" : ""));
        }
        return Optional.empty();
    }
}
