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
 * The few libc socket calls we need, bound with jnr-ffi. Socket addresses and payloads are passed as plain byte
 * arrays whose layout the callers build themselves (documented where they do); receive buffers are direct
 * {@link ByteBuffer}s so the kernel writes straight into Java-visible memory without a copy.
 *
 * <p>Every call saves errno ({@link SaveError}); read it with {@link #errno()} on the same thread, right after the
 * call returned -1.
 */
interface LibC {

    // <sys/socket.h>, <linux/netlink.h>, <linux/if_ether.h>: values are identical on every Linux architecture
    // vip4j targets (x86_64, aarch64).
    int AF_INET = 2;
    int AF_INET6 = 10;
    int AF_NETLINK = 16;
    int AF_PACKET = 17;
    int SOCK_RAW = 3;
    int SOCK_CLOEXEC = 0x80000;
    int NETLINK_ROUTE = 0;
    int SOL_SOCKET = 1;
    /** struct timeval {long tv_sec; long tv_usec;}: 16 bytes on LP64. Value 20 is SO_RCVTIMEO_OLD, the 64-bit one. */
    int SO_RCVTIMEO = 20;
    int MSG_DONTWAIT = 0x40;
    short POLLIN = 0x1;
    int EINTR = 4;
    int EAGAIN = 11;

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

    /** The process-wide binding; loading libc takes milliseconds, so it happens once. */
    static LibC get() {
        return Holder.LIBC;
    }

    /** errno of the last call on this thread. */
    static int errno() {
        return LastError.getLastError(Holder.RUNTIME);
    }

    /** Holds the binding so that it is created on first use, not when the interface is loaded. */
    final class Holder {
        static final LibC LIBC = LibraryLoader.create(LibC.class).load("c");
        static final Runtime RUNTIME = Runtime.getRuntime(LIBC);

        private Holder() {
        }
    }
}
