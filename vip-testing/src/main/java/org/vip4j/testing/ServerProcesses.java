package org.vip4j.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What the real-server fixtures ({@code EtcdServer}, {@code ZooKeeperServer}) do with the processes they start: a
 * free loopback port, a signal by PID (SIGSTOP makes a server hang without closing anything), the end of its log for
 * a failure message.
 */
public final class ServerProcesses {

    private ServerProcesses() {
    }

    /** A port free on loopback now (the server binds it a moment later). */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** {@code kill -<name> <pid>} for a process this JVM started; {@code what} names it in errors. */
    public static void signal(Process process, String name, String what) {
        if (process == null) {
            throw new IllegalStateException(what + " is not running");
        }
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, String.valueOf(process.pid())).start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + name + " " + process.pid() + " (" + what + ") failed");
            }
        } catch (IOException e) {
            throw new IllegalStateException("kill -" + name + " " + process.pid() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The last 15 lines of a log, or why there are none. */
    public static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }
}
