package org.vip4j.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Each kind of health-check against a real socket, server or process on this host: healthy, not, too slow. */
class HealthCheckTest {

    private static final Duration TIMEOUT = Duration.ofMillis(500);
    private final ExecutorService starter = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        starter.shutdownNow();
    }

    private HealthCheck.Result run(String spec) throws Exception {
        return HealthCheck.parse(spec).run(TIMEOUT, starter).get(5, TimeUnit.SECONDS);
    }

    @Test
    void noneIsAlwaysHealthy() throws Exception {
        assertThat(run("none").healthy()).isTrue();
    }

    @Test
    void httpIsHealthyOn200Only() throws Exception {
        AtomicInteger status = new AtomicInteger(200);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/replica", ex -> {
            ex.sendResponseHeaders(status.get(), -1);
            ex.close();
        });
        server.start();
        try {
            String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/replica?lag=16MB";
            assertThat(run(url)).isEqualTo(new HealthCheck.Result(true, url + " answered 200"));
            status.set(503);
            assertThat(run(url)).isEqualTo(new HealthCheck.Result(false, url + " answered 503"));
        } finally {
            server.stop(0);
        }
    }

    @Test
    void tcpIsHealthyWhenAConnectionIsAccepted() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            HealthCheck.Result ok = run("tcp://127.0.0.1:" + s.getLocalPort());
            assertThat(ok.healthy()).as(ok.detail()).isTrue();
            closedPort = s.getLocalPort();
        }
        HealthCheck.Result refused = run("tcp://127.0.0.1:" + closedPort);
        assertThat(refused.healthy()).isFalse();
        assertThat(refused.detail()).startsWith("tcp://127.0.0.1:" + closedPort + ": ");
    }

    @Test
    void aCommandIsHealthyOnExitStatusZeroAndKilledWhenTooSlow() throws Exception {
        assertThat(run("exec:true")).isEqualTo(new HealthCheck.Result(true, "exec:true exited with 0"));
        assertThat(run("exec:exit 3")).isEqualTo(new HealthCheck.Result(false, "exec:exit 3 exited with 3"));
        long t0 = System.nanoTime();
        HealthCheck.Result slow = run("exec:sleep 30");
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertThat(slow).isEqualTo(new HealthCheck.Result(false, "exec:sleep 30: still running after 500 ms, "
                + "killed"));
        assertThat(ms).as("answered at the timeout, not at the command's end").isLessThan(5_000);
    }
}
