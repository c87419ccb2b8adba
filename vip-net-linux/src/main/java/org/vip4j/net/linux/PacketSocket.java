package org.vip4j.net.linux;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * An AF_PACKET SOCK_RAW socket on one interface: we write whole Ethernet frames and, while {@link #listen} is
 * active, read them. It is opened with protocol 0, which receives nothing, so an idle manager does not get a copy
 * of every ARP on the segment; a probe binds it to one EtherType for its duration.
 *
 * <pre>
 * struct sockaddr_ll {             // 20 bytes; see packet(7)
 *     unsigned short sll_family;   // offset 0: AF_PACKET, host order
 *     __be16 sll_protocol;         // offset 2: EtherType, NETWORK order (htons)
 *     int sll_ifindex;             // offset 4: host order
 *     unsigned short sll_hatype;   // offset 8: unused for send/bind
 *     unsigned char sll_pkttype;   // offset 10: unused for send/bind
 *     unsigned char sll_halen;     // offset 11: 6
 *     unsigned char sll_addr[8];   // offset 12: destination MAC (send only)
 * };
 * </pre>
 * Send and bind may be called from different threads at once (each call is a single system call); {@link #receive}
 * uses one buffer and must be called by one thread at a time (each probe and successor watch has a socket of its
 * own).
 */
final class PacketSocket implements AutoCloseable {

    private final LibC.Api libc = LibC.get();
    private final int fd;
    private final int ifindex;
    private final ByteBuffer rx = ByteBuffer.allocateDirect(2048).order(ByteOrder.BIG_ENDIAN);
    private volatile boolean closed;

    private PacketSocket(int fd, int ifindex) {
        this.fd = fd;
        this.ifindex = ifindex;
    }

    /** Opens the socket bound to {@code ifindex} with protocol 0 (send only). */
    static PacketSocket open(int ifindex) throws NativeException {
        LibC.Api libc = LibC.get();
        int fd = libc.socket(LibC.AF_PACKET, LibC.SOCK_RAW | LibC.SOCK_CLOEXEC, 0);
        if (fd < 0) {
            throw new NativeException("socket(AF_PACKET, SOCK_RAW)", LibC.errno());
        }
        PacketSocket s = new PacketSocket(fd, ifindex);
        try {
            s.bind(0);
        } catch (NativeException e) {
            libc.close(fd);
            throw e;
        }
        return s;
    }

    int ifindex() {
        return ifindex;
    }

    /** Writes one complete Ethernet frame; its first six bytes are the destination MAC. */
    void send(byte[] frame, int etherType) throws NativeException {
        byte[] addr = sockaddrLl(etherType);
        addr[11] = 6;
        System.arraycopy(frame, 0, addr, 12, 6);
        if (libc.sendto(fd, frame, frame.length, 0, addr, addr.length) < 0) {
            throw new NativeException("sending a raw frame on interface index " + ifindex, LibC.errno());
        }
    }

    /** Starts receiving frames of {@code etherType}, dropping whatever an earlier listen left unread. */
    void listen(int etherType) throws NativeException {
        bind(etherType);
        while (libc.recvfrom(fd, rx, rx.capacity(), LibC.MSG_DONTWAIT, null, null) >= 0) {
            // drain
        }
    }

    /** Stops receiving (protocol 0). */
    void stopListening() throws NativeException {
        bind(0);
    }

    /**
     * Waits until {@code deadlineNanos} ({@link System#nanoTime()} scale) for one frame.
     *
     * @return the frame's length, its bytes in {@link #frame()}; or -1 when the deadline passed
     */
    int receive(long deadlineNanos) throws NativeException {
        byte[] pollfd = new byte[8];
        ByteBuffer.wrap(pollfd).order(ByteOrder.nativeOrder()).putInt(fd).putShort(LibC.POLLIN);
        while (true) {
            long n = libc.recvfrom(fd, rx, rx.capacity(), LibC.MSG_DONTWAIT, null, null);
            if (n >= 0) {
                return (int) n;
            }
            int errno = LibC.errno();
            if (errno != LibC.EAGAIN && errno != LibC.EINTR) {
                throw new NativeException("receiving on interface index " + ifindex, errno);
            }
            long remainingMillis = (deadlineNanos - System.nanoTime() + 999_999) / 1_000_000;
            if (remainingMillis <= 0) {
                return -1;
            }
            if (libc.poll(pollfd, 1, (int) Math.min(remainingMillis, Integer.MAX_VALUE)) < 0
                    && LibC.errno() != LibC.EINTR) {
                throw new NativeException("poll on interface index " + ifindex, LibC.errno());
            }
        }
    }

    /** The buffer {@link #receive} filled; valid until the next receive. */
    ByteBuffer frame() {
        return rx;
    }

    private void bind(int etherType) throws NativeException {
        byte[] addr = sockaddrLl(etherType);
        if (libc.bind(fd, addr, addr.length) < 0) {
            throw new NativeException("bind(AF_PACKET) to interface index " + ifindex, LibC.errno());
        }
    }

    private byte[] sockaddrLl(int etherType) {
        byte[] addr = new byte[20];
        ByteBuffer b = ByteBuffer.wrap(addr).order(ByteOrder.nativeOrder());
        b.putShort(0, (short) LibC.AF_PACKET);
        b.order(ByteOrder.BIG_ENDIAN).putShort(2, (short) etherType);
        b.order(ByteOrder.nativeOrder()).putInt(4, ifindex);
        return addr;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            libc.close(fd);
        }
    }
}
