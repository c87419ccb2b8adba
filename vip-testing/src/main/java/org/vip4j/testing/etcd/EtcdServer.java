package org.vip4j.testing.etcd;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.vip4j.testing.ServerProcesses;

/**
 * One member of a real etcd (Debian's {@code /usr/bin/etcd}, package {@code etcd-server}) on loopback ports, with
 * its own data directory. Stopping keeps the data, so a restart is the same member with the same keys.
 */
public final class EtcdServer {

    /** Debian's etcd 3.4. */
    public static final Path BINARY = Path.of("/usr/bin/etcd");

    /** TLS material: CA, the server's certificate and key (PEM), and a client context that trusts the CA. */
    public record Tls(Path caFile, Path certFile, Path keyFile, boolean clientCertAuth, SSLContext clientContext) {
    }

    private final String name;
    private final int clientPort;
    private final int peerPort;
    private final Path dataDir;
    private final Path logFile;
    private final Tls tls;
    private List<String> clusterArgs = List.of();
    private Process process;

    EtcdServer(String name, Path baseDir, Tls tls) throws IOException {
        this.name = name;
        this.clientPort = ServerProcesses.freePort();
        this.peerPort = ServerProcesses.freePort();
        this.dataDir = baseDir.resolve(name + ".etcd");
        this.logFile = baseDir.resolve(name + ".log");
        this.tls = tls;
    }

    /** Fails with what to install when the binary is missing. */
    public static void requireBinary() {
        if (!Files.isExecutable(BINARY)) {
            throw new IllegalStateException(BINARY + " is missing: these tests run a real etcd; install it with "
                    + "`apt-get install etcd-server` (./scripts/test.sh does)");
        }
    }

    public String name() {
        return name;
    }

    /** {@code http://127.0.0.1:<port>} or https with TLS. */
    public URI clientUrl() {
        return URI.create((tls == null ? "http" : "https") + "://127.0.0.1:" + clientPort);
    }

    String peerUrl() {
        return "http://127.0.0.1:" + peerPort;
    }

    void joinCluster(String initialCluster, String token) {
        clusterArgs = List.of("--initial-cluster", initialCluster, "--initial-cluster-token", token,
                "--initial-cluster-state", "new");
    }

    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** Starts the member and, unless it is one of a cluster still forming, waits until it reports healthy. */
    public synchronized void start(boolean awaitHealthy) throws IOException, InterruptedException {
        if (isRunning()) {
            return;
        }
        requireBinary();
        List<String> cmd = new ArrayList<>(List.of(BINARY.toString(),
                "--name", name, "--data-dir", dataDir.toString(),
                "--listen-client-urls", clientUrl().toString(), "--advertise-client-urls", clientUrl().toString(),
                "--listen-peer-urls", peerUrl(), "--initial-advertise-peer-urls", peerUrl(),
                "--heartbeat-interval", "50", "--election-timeout", "500", "--logger", "zap",
                "--log-outputs", "stderr"));
        if (clusterArgs.isEmpty()) {
            cmd.addAll(List.of("--initial-cluster", name + "=" + peerUrl()));
        } else {
            cmd.addAll(clusterArgs);
        }
        if (tls != null) {
            cmd.addAll(List.of("--cert-file", tls.certFile().toString(), "--key-file", tls.keyFile().toString(),
                    "--trusted-ca-file", tls.caFile().toString()));
            if (tls.clientCertAuth()) {
                cmd.add("--client-cert-auth");
            }
        }
        process = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile())).start();
        if (awaitHealthy) {
            awaitHealthy(Duration.ofSeconds(30));
        }
    }

    /** Polls {@code /health} until etcd answers healthy; fails with the end of its log otherwise. */
    public void awaitHealthy(Duration timeout) throws IOException, InterruptedException {
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500));
        if (tls != null) {
            b.sslContext(tls.clientContext());
        }
        HttpClient http = b.build();
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            if (!isRunning()) {
                throw new IllegalStateException("etcd " + name + " exited: " + tail());
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(clientUrl().resolve("/health"))
                        .timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200 && r.body().contains("\"true\"")) {
                    return;
                }
                last = r.statusCode() + " " + r.body();
            } catch (IOException e) {
                last = e.toString();
            }
            // an external process offers no event to wait on: poll its health endpoint
            TimeUnit.MILLISECONDS.sleep(50);
        }
        throw new IllegalStateException("etcd " + name + " not healthy within " + timeout + " (" + last + "): "
                + tail());
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
     * SIGSTOP: the process stops answering while the kernel keeps its connections open and even accepts new ones,
     * what a hung etcd or a cut cable looks like to a client (no reset, just silence).
     */
    public synchronized void freeze() {
        signal("STOP");
    }

    /** SIGCONT after {@link #freeze()}. */
    public synchronized void thaw() {
        signal("CONT");
    }

    private void signal(String name) {
        ServerProcesses.signal(process, name, "etcd " + this.name);
    }

    /** SIGKILL, for shutdown hooks. */
    synchronized void kill() {
        if (process != null) {
            process.destroyForcibly();
        }
    }

    private String tail() {
        return ServerProcesses.tail(logFile);
    }
}
