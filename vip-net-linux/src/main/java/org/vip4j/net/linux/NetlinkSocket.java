package org.vip4j.net.linux;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;

/**
 * One NETLINK_ROUTE socket: sends a request and reads the kernel's answer to it. Thread-safe; requests are
 * serialised, since one socket carries one conversation at a time.
 *
 * <p>Wire format (see netlink(7), {@code <linux/netlink.h>}). Everything is in <b>host</b> byte order, unlike the
 * addresses carried in attributes, which are in network order. One datagram holds one or more messages, each
 * starting at a 4-byte aligned offset ({@code NLMSG_ALIGN(len) = (len + 3) & ~3}):
 * <pre>
 * struct nlmsghdr {          // 16 bytes
 *     __u32 nlmsg_len;       // offset 0: header plus payload, without the padding that follows
 *     __u16 nlmsg_type;      // offset 4: RTM_*, or NLMSG_ERROR / NLMSG_DONE
 *     __u16 nlmsg_flags;     // offset 6: NLM_F_*
 *     __u32 nlmsg_seq;       // offset 8: echoed by the kernel; how we tie an answer to its request
 *     __u32 nlmsg_pid;       // offset 12: 0 = the kernel
 * };
 * struct nlmsgerr {          // payload of NLMSG_ERROR
 *     int error;             // 0 = ACK, else -errno
 *     struct nlmsghdr msg;   // the request's header (and, without NETLINK_CAP_ACK, its payload)
 * };
 * struct sockaddr_nl {       // 12 bytes
 *     __u16 nl_family;       // AF_NETLINK
 *     __u16 nl_pad;
 *     __u32 nl_pid;          // 0: let the kernel pick our port id; as destination: the kernel
 *     __u32 nl_groups;       // 0: no multicast groups, we only want answers
 * };
 * </pre>
 */
final class NetlinkSocket implements AutoCloseable {

    static final int HEADER = 16;
    static final int NLMSG_ERROR = 2;
    static final int NLMSG_DONE = 3;
    static final int NLM_F_REQUEST = 0x1;
    static final int NLM_F_MULTI = 0x2;
    static final int NLM_F_ACK = 0x4;
    static final int NLM_F_DUMP = 0x300;
    static final int NLM_F_EXCL = 0x200;
    static final int NLM_F_CREATE = 0x400;

    /** Receives the payload-bearing messages of an answer; {@code message} spans exactly one nlmsghdr + payload. */
    interface Handler {
        void onMessage(int type, ByteBuffer message) throws IOException;
    }

    private static final byte[] KERNEL = sockaddrNl(0);

    private final LibC.Api libc = LibC.get();
    private final int fd;
    private final Duration timeout;
    /** 64 KiB: the kernel fills dump datagrams up to ~32 KiB; a bigger buffer never truncates one. */
    private final ByteBuffer rx = ByteBuffer.allocateDirect(64 * 1024).order(ByteOrder.nativeOrder());
    private int seq;
    private boolean closed;

    private NetlinkSocket(int fd, Duration timeout) {
        this.fd = fd;
        this.timeout = timeout;
        this.seq = (int) (System.nanoTime() & 0x7fffffff);
    }

    /** Opens and binds the socket; {@code timeout} bounds every wait for an answer (SO_RCVTIMEO). */
    static NetlinkSocket open(Duration timeout) throws NativeException {
        return open(timeout, 0);
    }

    /**
     * Opens a socket that also joins the multicast {@code groups} (RTMGRP_* bits): the kernel then sends it a message
     * for every change of that kind, whoever made it. {@code timeout} bounds each {@link #receive}.
     */
    static NetlinkSocket open(Duration timeout, int groups) throws NativeException {
        LibC.Api libc = LibC.get();
        int fd = libc.socket(LibC.AF_NETLINK, LibC.SOCK_RAW | LibC.SOCK_CLOEXEC, LibC.NETLINK_ROUTE);
        if (fd < 0) {
            throw new NativeException("socket(AF_NETLINK, NETLINK_ROUTE)", LibC.errno());
        }
        try {
            if (libc.bind(fd, sockaddrNl(groups), 12) < 0) {
                throw new NativeException("bind(AF_NETLINK)", LibC.errno());
            }
            // struct timeval, LP64: two 8-byte longs, host order.
            ByteBuffer tv = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder());
            long micros = Math.max(1000, timeout.toNanos() / 1000);
            tv.putLong(micros / 1_000_000).putLong(micros % 1_000_000);
            if (libc.setsockopt(fd, LibC.SOL_SOCKET, LibC.SO_RCVTIMEO, tv.array(), 16) < 0) {
                throw new NativeException("setsockopt(SO_RCVTIMEO)", LibC.errno());
            }
        } catch (NativeException e) {
            libc.close(fd);
            throw e;
        }
        return new NetlinkSocket(fd, timeout);
    }

    /**
     * Sends {@code request} (a complete message; its seq field is overwritten) and reads until the kernel has
     * answered it: an NLMSG_ERROR (ACK or error), an NLMSG_DONE ending a dump, or a single reply without
     * NLM_F_MULTI. Messages of older, timed-out requests (other seq) are skipped.
     *
     * @return 0, or the positive errno the kernel answered with
     */
    synchronized int transact(byte[] request, Handler handler) throws IOException {
        if (closed) {
            throw new IOException("netlink socket is closed");
        }
        int mySeq = ++seq;
        ByteBuffer.wrap(request).order(ByteOrder.nativeOrder()).putInt(8, mySeq);
        if (libc.sendto(fd, request, request.length, 0, KERNEL, KERNEL.length) < 0) {
            throw new NativeException("netlink sendto", LibC.errno());
        }
        while (true) {
            long n = libc.recvfrom(fd, rx, rx.capacity(), 0, null, null);
            if (n < 0) {
                int errno = LibC.errno();
                if (errno == LibC.EINTR) {
                    continue;
                }
                if (errno == LibC.EAGAIN) {
                    throw new IOException("the kernel did not answer a netlink request within " + timeout);
                }
                throw new NativeException("netlink recvfrom", errno);
            }
            Integer result = scan((int) n, mySeq, handler);
            if (result != null) {
                return result;
            }
        }
    }

    /**
     * Waits up to the socket's timeout for one datagram of notifications and hands each message to {@code handler}.
     *
     * @return false when the timeout passed with nothing to read
     * @throws NativeException with ENOBUFS when the kernel dropped notifications (our buffer overflowed): the caller
     *                         must re-read the state it follows
     */
    boolean receive(Handler handler) throws IOException {
        long n = libc.recvfrom(fd, rx, rx.capacity(), 0, null, null);
        if (n < 0) {
            int errno = LibC.errno();
            if (errno == LibC.EAGAIN || errno == LibC.EINTR) {
                return false;
            }
            throw new NativeException("netlink recvfrom", errno);
        }
        int off = 0;
        while (off + HEADER <= n) {
            int len = rx.getInt(off);
            if (len < HEADER || off + len > n) {
                throw new IOException("malformed netlink notification: length " + len + " at offset " + off);
            }
            handler.onMessage(rx.getShort(off + 4) & 0xffff, rx.slice(off, len).order(ByteOrder.nativeOrder()));
            off += align(len);
        }
        return true;
    }

    /** Walks the messages of one datagram; returns the result once the answer is complete, else null. */
    private Integer scan(int length, int mySeq, Handler handler) throws IOException {
        int off = 0;
        Integer result = null;
        while (off + HEADER <= length) {
            int len = rx.getInt(off);
            int type = rx.getShort(off + 4) & 0xffff;
            int flags = rx.getShort(off + 6) & 0xffff;
            int msgSeq = rx.getInt(off + 8);
            if (len < HEADER || off + len > length) {
                throw new IOException("malformed netlink message: length " + len + " at offset " + off
                        + " of a " + length + "-byte datagram");
            }
            if (msgSeq == mySeq && result == null) {
                if (type == NLMSG_ERROR) {
                    result = -rx.getInt(off + HEADER);
                } else if (type == NLMSG_DONE) {
                    result = 0;
                } else {
                    handler.onMessage(type, rx.slice(off, len).order(ByteOrder.nativeOrder()));
                    if ((flags & NLM_F_MULTI) == 0) {
                        result = 0;
                    }
                }
            }
            off += align(len);
        }
        return result;
    }

    /** NLMSG_ALIGN / RTA_ALIGN: both round up to 4 bytes. */
    static int align(int len) {
        return (len + 3) & ~3;
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            libc.close(fd);
        }
    }

    private static byte[] sockaddrNl(int groups) {
        return ByteBuffer.allocate(12).order(ByteOrder.nativeOrder())
                .putShort((short) LibC.AF_NETLINK).putShort((short) 0).putInt(0).putInt(groups).array();
    }
}
