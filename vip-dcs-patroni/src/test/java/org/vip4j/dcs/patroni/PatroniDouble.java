package org.vip4j.dcs.patroni;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * A stand-in for Patroni's REST API on 127.0.0.1: {@code GET /leader} and {@code /primary} answer the status the
 * test sets (Patroni: 200 on the leader, 503 elsewhere) with a small JSON body, optionally after a delay; stop and
 * restart on the same port.
 */
final class PatroniDouble implements AutoCloseable {

    static {
        // Go's net/http (Consul, and Patroni's Python server for small answers) sends without Nagle's delay; the
        // JDK server writes headers and body separately and, with Nagle on, meets the client's delayed ACK: 40 ms
        // per answer that no real server adds. Read once, before the first server is created.
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private final Object lock = new Object();
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "patroni-double");
        t.setDaemon(true);
        return t;
    });
    private final List<String> authorizations = new ArrayList<>();
    private SSLContext tls;
    private boolean needClientAuth;
    private HttpServer server;
    private int port;
    private boolean running;
    private int status = 200;
    private Duration delay = Duration.ZERO;
    private int requests;

    /**
     * Starts serving https with {@code serverContext}'s certificate; with {@code needClientAuth} a client must present
     * a certificate that the context trusts.
     */
    static PatroniDouble startTls(SSLContext serverContext, boolean needClientAuth) throws IOException {
        PatroniDouble d = new PatroniDouble();
        d.tls = serverContext;
        d.needClientAuth = needClientAuth;
        d.bind(0);
        return d;
    }

    static PatroniDouble start() throws IOException {
        PatroniDouble d = new PatroniDouble();
        d.bind(0);
        return d;
    }

    URI uri() {
        return URI.create((tls == null ? "http" : "https") + "://127.0.0.1:" + port);
    }

    void answer(int httpStatus) {
        synchronized (lock) {
            status = httpStatus;
        }
    }

    /** Holds every answer for {@code d} (or until stop()). */
    void delay(Duration d) {
        synchronized (lock) {
            delay = d;
            lock.notifyAll();
        }
    }

    int requests() {
        synchronized (lock) {
            return requests;
        }
    }

    /** Waits until at least {@code n} requests came in; false on timeout. */
    boolean awaitRequests(int n, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (requests < n) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(lock, left);
            }
            return true;
        }
    }

    /** The Authorization header of each request, "" when absent. */
    List<String> authorizations() {
        synchronized (lock) {
            return List.copyOf(authorizations);
        }
    }

    void stop() {
        HttpServer s;
        synchronized (lock) {
            if (!running) {
                return;
            }
            running = false;
            lock.notifyAll();
            s = server;
        }
        s.stop(0);
    }

    void restart() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try {
                bind(port);
                return;
            } catch (BindException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                TimeUnit.MILLISECONDS.sleep(50); // the old socket is still closing
            }
        }
    }

    @Override
    public void close() {
        stop();
        executor.shutdownNow();
    }

    private void bind(int wanted) throws IOException {
        InetSocketAddress at = new InetSocketAddress(InetAddress.getLoopbackAddress(), wanted);
        HttpServer s;
        if (tls == null) {
            s = HttpServer.create(at, 50);
        } else {
            HttpsServer https = HttpsServer.create(at, 50);
            SSLContext ctx = tls;
            boolean needAuth = needClientAuth;
            https.setHttpsConfigurator(new HttpsConfigurator(ctx) {
                @Override
                public void configure(HttpsParameters params) {
                    SSLParameters p = ctx.getDefaultSSLParameters();
                    p.setNeedClientAuth(needAuth);
                    params.setSSLParameters(p);
                }
            });
            s = https;
        }
        s.setExecutor(executor);
        s.createContext("/", this::handle);
        s.start();
        synchronized (lock) {
            server = s;
            port = s.getAddress().getPort();
            running = true;
        }
    }

    private void handle(HttpExchange ex) {
        try {
            int answer;
            synchronized (lock) {
                requests++;
                lock.notifyAll();
                String auth = ex.getRequestHeaders().getFirst("Authorization");
                authorizations.add(auth == null ? "" : auth);
                long until = System.nanoTime() + delay.toNanos();
                while (running && System.nanoTime() < until) {
                    TimeUnit.NANOSECONDS.timedWait(lock, until - System.nanoTime());
                }
                if (!running) {
                    return;
                }
                String path = ex.getRequestURI().getPath();
                answer = path.equals("/leader") || path.equals("/primary") ? status : 404;
            }
            byte[] body = ("{\"state\": \"running\", \"role\": \"" + (answer == 200 ? "primary" : "replica") + "\"}")
                    .getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(answer, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        } catch (IOException | InterruptedException e) {
            // client gone or double stopped
        } finally {
            ex.close();
        }
    }
}
