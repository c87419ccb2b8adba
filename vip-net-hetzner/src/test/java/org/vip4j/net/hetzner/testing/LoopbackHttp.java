package org.vip4j.net.hetzner.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** The JDK's HTTP server on 127.0.0.1 only, a thread per request (a held request keeps its own). */
final class LoopbackHttp implements AutoCloseable {

    /** The parts of a request a double looks at. */
    record Call(String method, String path, String query, String authorization, String contentType, String body) {
    }

    /** What a double answers. */
    record Reply(int status, String body, Map<String, String> headers) {

        static Reply json(int status, String body) {
            return new Reply(status, body, new LinkedHashMap<>());
        }
    }

    /** Answers one call; may block (a held action, a slow switch). */
    @FunctionalInterface
    interface Handler {
        Reply answer(Call call) throws InterruptedException;
    }

    private final HttpServer server;
    private final ExecutorService executor;

    LoopbackHttp(String name, Handler handler) throws IOException {
        executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        server.setExecutor(executor);
        server.createContext("/", ex -> serve(ex, handler));
        server.start();
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private static void serve(HttpExchange ex, Handler handler) {
        try (ex) {
            String body;
            try (InputStream in = ex.getRequestBody()) {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            URI u = ex.getRequestURI();
            Call call = new Call(ex.getRequestMethod(), u.getPath(), u.getRawQuery() == null ? "" : u.getRawQuery(),
                    ex.getRequestHeaders().getFirst("Authorization"), ex.getRequestHeaders().getFirst("Content-Type"),
                    body);
            Reply r = handler.answer(call);
            byte[] bytes = r.body().getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "application/json");
            r.headers().forEach((k, v) -> ex.getResponseHeaders().set(k, v));
            ex.sendResponseHeaders(r.status(), bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(bytes);
                }
            }
        } catch (IOException e) {
            // the client went away (its deadline passed): nothing to answer
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    /** Waits on {@code lock} (held by the caller's notifyAll) until {@code done}; false on timeout. */
    static boolean awaitUnder(Object lock, BooleanSupplier done, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (!done.getAsBoolean()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(lock, left);
            }
            return true;
        }
    }
}
