package org.vip4j.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The HTTP promote-check against a loopback server answering as Patroni's {@code /primary} does. */
class PromoteCheckTest {

    @Test
    void isPrimaryOnlyOn200() throws Exception {
        AtomicInteger status = new AtomicInteger(503);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/primary", ex -> {
            ex.sendResponseHeaders(status.get(), -1);
            ex.close();
        });
        server.start();
        try {
            URI url = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/primary");
            PromoteCheck check = PromoteCheck.http(url);
            assertThat(check.isPrimary(Duration.ofSeconds(2)).get()).isFalse();
            status.set(200);
            assertThat(check.isPrimary(Duration.ofSeconds(2)).get()).isTrue();
        } finally {
            server.stop(0);
        }
    }

    @Test
    void aRefusedConnectionCompletesWithAnIoError() throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        PromoteCheck check = PromoteCheck.http(URI.create("http://127.0.0.1:" + port + "/primary"));
        assertThatThrownBy(() -> check.isPrimary(Duration.ofSeconds(2)).get())
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(IOException.class);
    }
}
