package org.vip4j.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The kernel's host name, as vip-manager's {@code os.Hostname()} gives it: the default {@code trigger-value}.
 * Read from {@code /proc} first, since {@link InetAddress#getLocalHost()} may do a DNS lookup.
 *
 * <p>Internal: not part of the vip4j API.
 */
public final class HostName {

    private HostName() {
    }

    public static String get() {
        try {
            String name = Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
            if (!name.isEmpty()) {
                return name;
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or /proc not mounted: fall through
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }
}
