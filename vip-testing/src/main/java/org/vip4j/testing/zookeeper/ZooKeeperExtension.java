package org.vip4j.testing.zookeeper;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryNTimes;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real ZooKeeper for a test class: {@code @RegisterExtension static ZooKeeperExtension zk =
 * ZooKeeperExtension.single();} starts Debian's ZooKeeper 3.8 on free loopback ports with a temporary data directory
 * before the class, and stops it and deletes the data after, also when the JVM dies (shutdown hook).
 * {@link #ensemble(int)} starts several servers that form a quorum. Writes go through a Curator client of its own, as
 * Patroni's (kazoo) would. Fails with an install hint when ZooKeeper is missing.
 */
public final class ZooKeeperExtension implements BeforeAllCallback, AfterAllCallback {

    private static final Duration START = Duration.ofSeconds(60);

    private final int size;
    private final List<ZooKeeperServer> servers = new ArrayList<>();
    private Path dir;
    private CuratorFramework writer;
    private Thread hook;

    private ZooKeeperExtension(int size) {
        this.size = size;
    }

    /** One standalone server. */
    public static ZooKeeperExtension single() {
        return new ZooKeeperExtension(1);
    }

    /** An ensemble of {@code size} servers. */
    public static ZooKeeperExtension ensemble(int size) {
        return new ZooKeeperExtension(size);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        ZooKeeperServer.requireInstalled();
        Path shm = Path.of("/dev/shm");
        dir = Files.isDirectory(shm) && Files.isWritable(shm) ? Files.createTempDirectory(shm, "vip4j-zk-")
                : Files.createTempDirectory("vip4j-zk-");
        for (int i = 1; i <= size; i++) {
            servers.add(new ZooKeeperServer(i, dir));
        }
        List<String> lines = size == 1 ? List.of()
                : servers.stream().map(ZooKeeperServer::serverLine).collect(Collectors.toList());
        for (ZooKeeperServer s : servers) {
            s.configure(lines);
        }
        hook = new Thread(() -> servers.forEach(ZooKeeperServer::kill), "vip4j-zk-cleanup");
        Runtime.getRuntime().addShutdownHook(hook);
        for (ZooKeeperServer s : servers) {
            s.start();
        }
        for (ZooKeeperServer s : servers) {
            s.awaitServing(START);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        dropWriter();
        for (ZooKeeperServer s : servers) {
            s.stop();
        }
        if (hook != null) {
            Runtime.getRuntime().removeShutdownHook(hook);
        }
        if (dir != null) {
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Server {@code i}, counted from 1 as in ZooKeeper's {@code server.N} lines. */
    public ZooKeeperServer server(int i) {
        return servers.get(i - 1);
    }

    /** The connect string, {@code 127.0.0.1:p1,127.0.0.1:p2,...}, as {@code dcs-endpoints} takes it. */
    public String connectString() {
        return servers.stream().map(ZooKeeperServer::clientAddress).collect(Collectors.joining(","));
    }

    /** Stops every server (data kept). */
    public void stop() throws InterruptedException {
        dropWriter();
        for (ZooKeeperServer s : servers) {
            s.stop();
        }
    }

    /** Starts every stopped server and waits until each serves. */
    public void start() throws Exception {
        for (ZooKeeperServer s : servers) {
            s.start();
        }
        for (ZooKeeperServer s : servers) {
            s.awaitServing(START);
        }
    }

    /** Makes {@code path} a persistent znode holding {@code value}, creating its parents; returns its mzxid. */
    public long put(String path, String value) throws Exception {
        byte[] data = value.getBytes(StandardCharsets.UTF_8);
        CuratorFramework c = writer();
        try {
            return c.setData().forPath(path, data).getMzxid();
        } catch (KeeperException.NoNodeException e) {
            c.create().creatingParentsIfNeeded().forPath(path, data);
            return c.checkExists().forPath(path).getMzxid();
        }
    }

    /** Deletes {@code path} if it exists. */
    public void delete(String path) throws Exception {
        try {
            writer().delete().forPath(path);
        } catch (KeeperException.NoNodeException e) {
            // already absent: what the caller wanted
        }
    }

    /** The znode's data and stat, or null when absent. */
    public String read(String path, Stat stat) throws Exception {
        try {
            return new String(writer().getData().storingStatIn(stat).forPath(path), StandardCharsets.UTF_8);
        } catch (KeeperException.NoNodeException e) {
            return null;
        }
    }

    /**
     * Creates {@code path} as an ephemeral znode holding {@code value} in a session of its own, as Patroni's leader
     * lock is: the znode lives as long as that session. Close the returned session, or {@link #expire} it.
     */
    public ZooKeeper ephemeral(String path, String value) throws Exception {
        ZooKeeper zk = connect(0, null);
        if (path.lastIndexOf('/') > 0) {
            writer().createContainers(path.substring(0, path.lastIndexOf('/')));
        }
        zk.create(path, value.getBytes(StandardCharsets.UTF_8),
                org.apache.zookeeper.ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
        return zk;
    }

    /**
     * Expires a session the way ZooKeeper's own tests do: a second client joins it with its id and password and
     * closes it, so the server ends the session (and deletes its ephemeral znodes) while the first client still
     * thinks it is connected; that client learns it on its next request or ping.
     */
    public void expire(long sessionId, byte[] password) throws Exception {
        connect(sessionId, password).close();
    }

    /** A new session, or (with an id and password) the session of another client; connected when it returns. */
    private ZooKeeper connect(long sessionId, byte[] password) throws Exception {
        CountDownLatch connected = new CountDownLatch(1);
        Watcher onConnected = e -> {
            if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
            }
        };
        ZooKeeper zk = password == null ? new ZooKeeper(connectString(), 10_000, onConnected)
                : new ZooKeeper(connectString(), 10_000, onConnected, sessionId, password);
        if (!connected.await(10, TimeUnit.SECONDS)) {
            zk.close();
            throw new IllegalStateException(password == null
                    ? "no ZooKeeper session at " + connectString() + " within 10 s"
                    : "could not join session 0x" + Long.toHexString(sessionId) + " within 10 s");
        }
        return zk;
    }

    private synchronized CuratorFramework writer() throws InterruptedException {
        if (writer == null) {
            writer = CuratorFrameworkFactory.newClient(connectString(), 10_000, 10_000, new RetryNTimes(20, 250));
            writer.start();
            if (!writer.blockUntilConnected(20, TimeUnit.SECONDS)) {
                dropWriter();
                throw new IllegalStateException("the test's writer could not connect to " + connectString());
            }
        }
        return writer;
    }

    private synchronized void dropWriter() {
        if (writer != null) {
            writer.close();
            writer = null;
        }
    }
}
