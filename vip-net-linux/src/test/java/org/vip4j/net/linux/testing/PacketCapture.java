package org.vip4j.net.linux.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A tcpdump running inside a lab namespace: an observer independent of the code under test. Lines are printed
 * with {@code -n -e -l -vv}, so each carries MAC addresses and, for ICMPv6, flags, options and checksum problems.
 */
public final class PacketCapture implements AutoCloseable {

    private final Process process;
    private final List<String> lines = new ArrayList<>();
    private final StringBuilder errors = new StringBuilder();
    private final CountDownLatch listening = new CountDownLatch(1);

    private PacketCapture(Process process) {
        this.process = process;
    }

    /**
     * Starts tcpdump on {@code iface} in {@code ns} with a pcap {@code filter} and waits until it listens.
     *
     * @throws IllegalStateException if tcpdump is missing or does not start within 10 s
     */
    public static PacketCapture start(NetnsLab lab, String ns, String iface, String filter) {
        NetnsLab.requireTool("tcpdump", "tcpdump");
        Process p = lab.start(ns, "tcpdump", "-i", iface, "-n", "-e", "-l", "-vv", "-U", filter);
        PacketCapture capture = new PacketCapture(p);
        capture.pump();
        try {
            if (!capture.listening.await(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("tcpdump did not start listening on " + iface + " in " + ns + ": "
                        + capture.errors());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for tcpdump", e);
        }
        return capture;
    }

    private void pump() {
        Thread out = new Thread(() -> read(process.getInputStream(), false), "tcpdump-out");
        Thread err = new Thread(() -> read(process.getErrorStream(), true), "tcpdump-err");
        out.setDaemon(true);
        err.setDaemon(true);
        out.start();
        err.start();
    }

    private void read(java.io.InputStream stream, boolean isErr) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
            String line;
            StringBuilder packet = null;
            while ((line = r.readLine()) != null) {
                synchronized (this) {
                    if (isErr) {
                        errors.append(line).append('\n');
                        if (line.contains("listening on")) {
                            listening.countDown();
                        }
                    } else if (line.startsWith(" ") || line.startsWith("\t")) {
                        // -vv continuation lines belong to the packet above: join them
                        if (!lines.isEmpty()) {
                            lines.set(lines.size() - 1, lines.get(lines.size() - 1) + " " + line.trim());
                        }
                    } else {
                        lines.add(line);
                    }
                    notifyAll();
                }
            }
        } catch (IOException e) {
            // the process was killed
        }
    }

    /**
     * Waits until at least {@code count} captured packets match {@code predicate} and returns those packets.
     *
     * @throws AssertionError listing everything captured when the timeout passes first
     */
    public synchronized List<String> await(Predicate<String> predicate, int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<String> matching = lines.stream().filter(predicate).toList();
            if (matching.size() >= count) {
                return matching;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("expected " + count + " matching packets within " + timeout + ", captured "
                        + lines.size() + ":\n" + String.join("\n", lines) + "\ntcpdump stderr:\n" + errors);
            }
            try {
                TimeUnit.NANOSECONDS.timedWait(this, left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }

    /** Every packet captured so far. */
    public synchronized List<String> packets() {
        return List.copyOf(lines);
    }

    private synchronized String errors() {
        return errors.toString();
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
