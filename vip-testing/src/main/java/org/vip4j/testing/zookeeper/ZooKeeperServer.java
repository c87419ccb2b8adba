package org.vip4j.testing.zookeeper;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.vip4j.testing.ServerProcesses;

/**
 * One server of a real ZooKeeper (Debian's package {@code zookeeper} 3.8: {@code /usr/share/java/zookeeper.jar},
 * started as {@code QuorumPeerMain}, as its init script does) on loopback ports, with its own data directory. Stopping
 * keeps the data, so a restart is the same server with the same znodes.
 */
public final class ZooKeeperServer {

    /** Debian's server jar; its manifest names its dependencies in /usr/share/java. */
    public static final Path JAR = Path.of("/usr/share/java/zookeeper.jar");
    /** The server logs through SLF4J 1.7; Debian's binding sends it to stderr, that is to this server's log. */
    private static final Path SLF4J_BINDING = Path.of("/usr/share/java/slf4j-simple.jar");
    /** ZooKeeper's unit of time: sessions may be 2 to 20 ticks, so a 200 ms tick lets clients ask for 400 ms. */
    static final int TICK_MS = 200;

    private final int id;
    private final int clientPort;
    private final int quorumPort;
    private final int electionPort;
    private final Path dataDir;
    private final Path configFile;
    private final Path logFile;
    private Process process;

    ZooKeeperServer(int id, Path baseDir) throws IOException {
        this.id = id;
        this.clientPort = ServerProcesses.freePort();
        this.quorumPort = ServerProcesses.freePort();
        this.electionPort = ServerProcesses.freePort();
        this.dataDir = baseDir.resolve("zk" + id);
        this.configFile = baseDir.resolve("zk" + id + ".cfg");
        this.logFile = baseDir.resolve("zk" + id + ".log");
    }

    /** Fails with what to install when the server is missing. */
    public static void requireInstalled() {
        if (!Files.isReadable(JAR)) {
            throw new IllegalStateException(JAR + " is missing: these tests run a real ZooKeeper; install it with "
                    + "`apt-get install zookeeper` (./scripts/install-deps.sh does)");
        }
    }

    public int id() {
        return id;
    }

    /** {@code 127.0.0.1:<port>}, as a connect string and {@code dcs-endpoints} take it. */
    public String clientAddress() {
        return "127.0.0.1:" + clientPort;
    }

    String serverLine() {
        return "server." + id + "=127.0.0.1:" + quorumPort + ":" + electionPort;
    }

    /** Writes the configuration: standalone when {@code servers} is empty, else one of that ensemble. */
    void configure(List<String> servers) throws IOException {
        Files.createDirectories(dataDir);
        StringBuilder cfg = new StringBuilder()
                .append("tickTime=").append(TICK_MS).append('\n')
                .append("initLimit=25\nsyncLimit=10\n")
                .append("dataDir=").append(dataDir).append('\n')
                .append("clientPort=").append(clientPort).append('\n')
                .append("clientPortAddress=127.0.0.1\n")
                .append("admin.enableServer=false\n")
                .append("4lw.commands.whitelist=srvr,ruok\n")
                // a test's writes need no durability: skip the fsync a busy VM disk takes hundreds of ms for
                .append("forceSync=no\n");
        if (!servers.isEmpty()) {
            Files.writeString(dataDir.resolve("myid"), id + "\n");
            servers.forEach(s -> cfg.append(s).append('\n'));
        }
        Files.writeString(configFile, cfg.toString());
    }

    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    public synchronized void start() throws IOException {
        if (isRunning()) {
            return;
        }
        requireInstalled();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        process = new ProcessBuilder(java, "-Xmx96m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-Dzookeeper.jmx.log4j.disable=true", "-Dorg.slf4j.simpleLogger.showDateTime=true",
                "-cp", JAR + ":" + SLF4J_BINDING, "org.apache.zookeeper.server.quorum.QuorumPeerMain",
                configFile.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile())).start();
    }

    /**
     * Polls the {@code srvr} four-letter command until the server says it serves (standalone, leader or follower);
     * fails with the end of its log otherwise.
     */
    public void awaitServing(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            if (!isRunning()) {
                throw new IllegalStateException("ZooKeeper server " + id + " exited: " + tail());
            }
            last = fourLetter("srvr");
            if (last.contains("Mode: ")) {
                return;
            }
            // an external process offers no event to wait on: poll its status command
            TimeUnit.MILLISECONDS.sleep(50);
        }
        throw new IllegalStateException("ZooKeeper server " + id + " not serving within " + timeout + " (" + last
                + "): " + tail());
    }

    /** The answer to a four-letter command, or what went wrong asking. */
    public String fourLetter(String command) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), clientPort), 500);
            s.setSoTimeout(1_000);
            OutputStream out = s.getOutputStream();
            out.write(command.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** SIGTERM, then SIGKILL after 10 s; the data stays. */
    public synchronized void stop() throws InterruptedException {
        if (process == null) {
            return;
        }
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        process = null;
    }

    /**
     * SIGSTOP: the server stops answering while the kernel keeps its connections open, what a hung server or a cut
     * cable looks like to a client (no reset, just silence).
     */
    public synchronized void freeze() {
        signal("STOP");
    }

    /** SIGCONT after {@link #freeze()}. */
    public synchronized void thaw() {
        signal("CONT");
    }

    private void signal(String name) {
        ServerProcesses.signal(process, name, "ZooKeeper server " + id);
    }

    /** SIGKILL, for shutdown hooks. */
    synchronized void kill() {
        if (process != null) {
            process.destroyForcibly();
        }
    }

    String tail() {
        return ServerProcesses.tail(logFile);
    }
}
