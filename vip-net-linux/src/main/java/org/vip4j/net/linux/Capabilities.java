package org.vip4j.net.linux;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Checks the effective capabilities (CapEff in /proc/self/status, a hex bit mask; bit numbers from
 * {@code <linux/capability.h>}) before the first failover needs them.
 */
final class Capabilities {

    static final int CAP_NET_ADMIN = 12;
    static final int CAP_NET_RAW = 13;
    static final String SYSTEMD_LINE = "AmbientCapabilities=CAP_NET_ADMIN CAP_NET_RAW";

    private Capabilities() {
    }

    /** Throws {@link IllegalStateException} naming what is missing; does nothing when both are there. */
    static void require() {
        String status;
        try {
            status = Files.readString(Path.of("/proc/self/status"));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc/self/status to check CAP_NET_ADMIN and CAP_NET_RAW: "
                    + e.getMessage(), e);
        }
        missing(status).ifPresent(message -> {
            throw new IllegalStateException(message);
        });
    }

    /** The error message for a process whose /proc/self/status is {@code status}, or empty if nothing is missing. */
    static Optional<String> missing(String status) {
        Long effective = null;
        for (String line : status.split("\n")) {
            if (line.startsWith("CapEff:")) {
                effective = Long.parseUnsignedLong(line.substring("CapEff:".length()).trim(), 16);
            }
        }
        if (effective == null) {
            return Optional.of("no CapEff line in /proc/self/status: cannot check CAP_NET_ADMIN and CAP_NET_RAW");
        }
        List<String> missing = new ArrayList<>();
        if ((effective & (1L << CAP_NET_ADMIN)) == 0) {
            missing.add("CAP_NET_ADMIN (needed to add and remove the VIP)");
        }
        if ((effective & (1L << CAP_NET_RAW)) == 0) {
            missing.add("CAP_NET_RAW (needed for gratuitous ARP and neighbour advertisements)");
        }
        if (missing.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of("the basic address manager lacks " + String.join(" and ", missing)
                + ". Run as root, or grant them in the systemd unit: " + SYSTEMD_LINE);
    }
}
