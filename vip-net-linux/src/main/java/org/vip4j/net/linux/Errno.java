package org.vip4j.net.linux;

import java.util.Map;

/**
 * Names for the errno values a netlink or packet socket can report, so that an error reads {@code EPERM
 * (Operation not permitted)} rather than a bare number. Values from {@code <asm-generic/errno-base.h>} and
 * {@code <asm-generic/errno.h>}, shared by x86_64 and aarch64.
 */
final class Errno {

    static final int EPERM = 1;
    static final int ENOENT = 2;
    static final int ENXIO = 6;
    static final int EACCES = 13;
    static final int EEXIST = 17;
    static final int ENODEV = 19;
    static final int ENETDOWN = 100;
    static final int EADDRNOTAVAIL = 99;

    private static final Map<Integer, String> NAMES = Map.ofEntries(
            Map.entry(EPERM, "EPERM (Operation not permitted)"),
            Map.entry(ENOENT, "ENOENT (No such file or directory)"),
            Map.entry(3, "ESRCH (No such process)"),
            Map.entry(4, "EINTR (Interrupted system call)"),
            Map.entry(5, "EIO (I/O error)"),
            Map.entry(ENXIO, "ENXIO (No such device or address)"),
            Map.entry(9, "EBADF (Bad file descriptor)"),
            Map.entry(11, "EAGAIN (Resource temporarily unavailable)"),
            Map.entry(12, "ENOMEM (Out of memory)"),
            Map.entry(EACCES, "EACCES (Permission denied)"),
            Map.entry(14, "EFAULT (Bad address)"),
            Map.entry(16, "EBUSY (Device or resource busy)"),
            Map.entry(EEXIST, "EEXIST (File exists)"),
            Map.entry(ENODEV, "ENODEV (No such device)"),
            Map.entry(22, "EINVAL (Invalid argument)"),
            Map.entry(23, "ENFILE (File table overflow)"),
            Map.entry(24, "EMFILE (Too many open files)"),
            Map.entry(28, "ENOSPC (No space left on device)"),
            Map.entry(34, "ERANGE (Result out of range)"),
            Map.entry(90, "EMSGSIZE (Message too long)"),
            Map.entry(93, "EPROTONOSUPPORT (Protocol not supported)"),
            Map.entry(95, "EOPNOTSUPP (Operation not supported)"),
            Map.entry(97, "EAFNOSUPPORT (Address family not supported)"),
            Map.entry(98, "EADDRINUSE (Address already in use)"),
            Map.entry(EADDRNOTAVAIL, "EADDRNOTAVAIL (Cannot assign requested address)"),
            Map.entry(ENETDOWN, "ENETDOWN (Network is down)"),
            Map.entry(101, "ENETUNREACH (Network is unreachable)"),
            Map.entry(105, "ENOBUFS (No buffer space available)"),
            Map.entry(110, "ETIMEDOUT (Connection timed out)"));

    private Errno() {
    }

    /** {@code EEXIST (File exists)}, or {@code errno 200} for a value not in the table. */
    static String describe(int errno) {
        String name = NAMES.get(errno);
        return name != null ? name : "errno " + errno;
    }
}
