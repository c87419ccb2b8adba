package org.vip4j.net.linux;

import java.nio.ByteBuffer;
import jnr.ffi.LastError;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.annotations.SaveError;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;

/**
 * The few libc calls we need (sockets, and the calling thread's nice value), bound with jnr-ffi. {@link Api} is
 * public only because jnr-ffi implements it from a class loader of its own; this package-private enclosing class
 * keeps it out of users' reach. Socket
 * addresses and payloads are plain byte arrays whose layout the callers build (and document); receive buffers are
 * direct {@link ByteBuffer}s, so the kernel writes straight into memory Java reads, without a copy.
 *
 * <p>Every call saves errno ({@link SaveError}); read it with {@link #errno()} on the same thread, right after the
 * call returned -1.
 */
final class LibC {

    // <sys/socket.h>, <linux/netlink.h>, <linux/if_ether.h>: values are identical on every Linux architecture
    // vip4j targets (x86_64, aarch64).
    static final int AF_INET = 2;
    static final int AF_INET6 = 10;
    static final int AF_NETLINK = 16;
    static final int AF_PACKET = 17;
    static final int SOCK_RAW = 3;
    static final int SOCK_CLOEXEC = 0x80000;
    static final int NETLINK_ROUTE = 0;
    static final int SOL_SOCKET = 1;
    /** struct timeval {long tv_sec; long tv_usec;}: 16 bytes on LP64. Value 20 is SO_RCVTIMEO_OLD, the 64-bit one. */
    static final int SO_RCVTIMEO = 20;
    static final int MSG_DONTWAIT = 0x40;
    static final short POLLIN = 0x1;
    static final int PRIO_PROCESS = 0;
    static final int EINTR = 4;
    static final int EAGAIN = 11;

    private LibC() {
    }

    /** The bound functions. */
    public interface Api {
        @SaveError
        int socket(int domain, int type, int protocol);

        @SaveError
        int bind(int fd, @In byte[] addr, int addrlen);

        @SaveError
        @ssize_t
        long sendto(int fd, @In byte[] buf, @size_t long len, int flags, @In byte[] destAddr, int addrlen);

        @SaveError
        @ssize_t
        long recvfrom(int fd, ByteBuffer buf, @size_t long len, int flags, @Out byte[] srcAddr, @Out int[] addrlen);

        @SaveError
        int setsockopt(int fd, int level, int optname, @In byte[] optval, int optlen);

        /** struct pollfd {int fd; short events; short revents;}: 8 bytes, native byte order. */
        @SaveError
        int poll(@In @Out byte[] fds, @size_t long nfds, int timeoutMillis);

        @SaveError
        int close(int fd);

        /** With {@code which} = PRIO_PROCESS and {@code who} = 0: the calling thread's nice value on Linux. */
        @SaveError
        int setpriority(int which, int who, int prio);
    }

    /** The process-wide binding; loading libc takes milliseconds, so it happens once. */
    static Api get() {
        return Holder.LIBC;
    }

    /** errno of the last call on this thread. */
    static int errno() {
        return LastError.getLastError(Holder.RUNTIME);
    }

    /** Holds the binding so that it is created on first use, not when the interface is loaded. */
    private static final class Holder {
        static final Api LIBC = LibraryLoader.create(Api.class).load("c");
        static final Runtime RUNTIME = Runtime.getRuntime(LIBC);

        private Holder() {
        }
    }
}
