package org.vip4j.testing.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real etcd for a test class: {@code @RegisterExtension static EtcdExtension etcd = EtcdExtension.single();}
 * starts Debian's {@code /usr/bin/etcd} on free loopback ports with a temporary data directory before the class,
 * and stops it and deletes the data after, also when the JVM dies (shutdown hook). Members can be stopped and
 * restarted mid-test; {@link #cluster(int)} starts several. Fails with an install hint when etcd is missing.
 */
public final class EtcdExtension implements BeforeAllCallback, AfterAllCallback {

    private final int size;
    private EtcdServer.Tls tls;
    private final List<EtcdServer> members = new ArrayList<>();
    private Path dir;
    private Client client;
    private Thread hook;

    private EtcdExtension(int size) {
        this.size = size;
    }

    /** One member. */
    public static EtcdExtension single() {
        return new EtcdExtension(1);
    }

    /** A cluster of {@code size} members. */
    public static EtcdExtension cluster(int size) {
        return new EtcdExtension(size);
    }

    /** One member serving https with the given material. */
    public static EtcdExtension tls(EtcdServer.Tls tls) {
        EtcdExtension e = new EtcdExtension(1);
        e.tls = tls;
        return e;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        EtcdServer.requireBinary();
        // in memory where the host has it: every write waits for etcd's fdatasync, which on a busy VM disk
        // sometimes takes hundreds of milliseconds, and that is the disk's latency, not the provider's
        Path shm = Path.of("/dev/shm");
        dir = Files.isDirectory(shm) && Files.isWritable(shm) ? Files.createTempDirectory(shm, "vip4j-etcd-")
                : Files.createTempDirectory("vip4j-etcd-");
        String token = "vip4j-" + UUID.randomUUID();
        for (int i = 0; i < size; i++) {
            members.add(new EtcdServer("m" + i, dir, tls));
        }
        if (size > 1) {
            String initial = members.stream().map(m -> m.name() + "=" + m.peerUrl()).collect(Collectors.joining(","));
            members.forEach(m -> m.joinCluster(initial, token));
        }
        hook = new Thread(() -> members.forEach(EtcdServer::kill), "vip4j-etcd-cleanup");
        Runtime.getRuntime().addShutdownHook(hook);
        for (EtcdServer m : members) {
            m.start(false);
        }
        for (EtcdServer m : members) {
            m.awaitHealthy(java.time.Duration.ofSeconds(30));
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (client != null) {
            client.close();
        }
        for (EtcdServer m : members) {
            m.stop();
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

    public EtcdServer member(int i) {
        return members.get(i);
    }

    /** Comma-separated client URLs, as {@code dcs-endpoints} takes them. */
    public String endpoints() {
        return members.stream().map(m -> m.clientUrl().toString()).collect(Collectors.joining(","));
    }

    /** Stops every member (data kept). */
    public void stop() throws InterruptedException {
        dropClient(); // its channel would sit in gRPC's reconnect backoff after a long outage
        for (EtcdServer m : members) {
            m.stop();
        }
    }

    /** Starts every stopped member and waits until each is healthy. */
    public void start() throws IOException, InterruptedException {
        for (EtcdServer m : members) {
            m.start(false);
        }
        for (EtcdServer m : members) {
            m.awaitHealthy(java.time.Duration.ofSeconds(30));
        }
    }

    /**
     * What the first member counted so far of the gRPC messages it received for {@code method} ("Range", "Watch"):
     * from its /metrics, so a test sees how often clients ask, not only what they were told.
     */
    public long received(String method) throws IOException, InterruptedException {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                members.get(0).clientUrl().resolve("/metrics")).timeout(java.time.Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
        long sum = 0;
        for (String line : r.body().split("\n")) {
            if (line.startsWith("grpc_server_msg_received_total{") && line.contains("grpc_method=\"" + method + "\"")) {
                sum += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    /** A jetcd client for the test's own writes (no auth). */
    public synchronized Client client() {
        if (client == null) {
            ClientBuilder b = Client.builder().endpoints(members.stream().map(EtcdServer::clientUrl)
                    .toArray(URI[]::new));
            if (tls != null) {
                try {
                    b.sslContext(ssl -> ssl.trustManager(tls.caFile().toFile())
                            .keyManager(tls.certFile().toFile(), tls.keyFile().toFile()));
                } catch (javax.net.ssl.SSLException e) {
                    throw new IllegalStateException(e);
                }
            }
            client = b.build();
        }
        return client;
    }

    private synchronized void dropClient() {
        if (client != null) {
            client.close();
            client = null;
        }
    }

    public long put(String key, String value) throws Exception {
        return client().getKVClient().put(bytes(key), bytes(value)).get(10, TimeUnit.SECONDS)
                .getHeader().getRevision();
    }

    public long delete(String key) throws Exception {
        return client().getKVClient().delete(bytes(key)).get(10, TimeUnit.SECONDS).getHeader().getRevision();
    }

    /** Compacts the history up to {@code revision}: older revisions can no longer be watched from. */
    public void compact(long revision) throws Exception {
        client().getKVClient().compact(revision).get(10, TimeUnit.SECONDS);
    }

    public static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }
}
