package org.vip4j.examples;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Executors;

/**
 * {@code --status-address}: /health (200 when every loop runs and no VIP has lost its DCS, else 503), /state (JSON)
 * and /metrics (Prometheus text), on the JDK's built-in HTTP server. Off unless asked for.
 */
final class StatusServer implements AutoCloseable {

    private final HttpServer server;

    StatusServer(String address, List<VipMetrics> vips) throws IOException {
        int colon = address.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("--status-address=" + address + ": expects HOST:PORT, e.g. "
                    + "127.0.0.1:8710");
        }
        String host = address.substring(0, colon).replace("[", "").replace("]", "");
        int port = Integer.parseInt(address.substring(colon + 1));
        server = HttpServer.create(new InetSocketAddress(host, port), 8);
        server.setExecutor(Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "vip4j-status");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/health", ex -> {
            boolean ok = vips.stream().allMatch(VipMetrics::healthy);
            StringBuilder body = new StringBuilder(ok ? "ok\n" : "unhealthy\n");
            vips.stream().map(VipMetrics::note).filter(java.util.Objects::nonNull)
                    .forEach(n -> body.append(n).append('\n'));
            send(ex, ok ? 200 : 503, "text/plain", body.toString());
        });
        server.createContext("/state", ex -> {
            StringBuilder sb = new StringBuilder("[");
            for (int i = 0; i < vips.size(); i++) {
                sb.append(i == 0 ? "" : ",").append(vips.get(i).json());
            }
            send(ex, 200, "application/json", sb.append("]\n").toString());
        });
        server.createContext("/metrics", ex -> {
            StringBuilder sb = new StringBuilder();
            sb.append("# HELP vip4j_state 1 for the state each VIP is in\n# TYPE vip4j_state gauge\n");
            vips.forEach(v -> v.prometheus(sb));
            send(ex, 200, "text/plain; version=0.0.4", sb.toString());
        });
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private static void send(HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }
}
