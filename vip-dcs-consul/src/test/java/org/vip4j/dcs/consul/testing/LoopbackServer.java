package org.vip4j.dcs.consul.testing;

import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * The JDK's HTTP(S) server on 127.0.0.1, with a thread per request (blocking queries hold theirs), that can be
 * stopped like a killed process and started again on the same port.
 */
final class LoopbackServer {

    static {
        // Go's net/http (Consul) sends without Nagle's delay; the JDK server writes headers and body separately
        // and, with Nagle on, meets the client's delayed ACK: 40 ms per answer that no real agent adds. Read once,
        // before the first server is created.
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private final HttpHandler handler;
    private final SSLContext tls;
    private final boolean needClientAuth;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "consul-double");
        t.setDaemon(true);
        return t;
    });
    private volatile HttpServer server;
    private volatile int port;

    /** @param tls null for plain http */
    LoopbackServer(HttpHandler handler, SSLContext tls, boolean needClientAuth) {
        this.handler = handler;
        this.tls = tls;
        this.needClientAuth = needClientAuth;
    }

    URI uri() {
        return URI.create((tls == null ? "http" : "https") + "://127.0.0.1:" + port);
    }

    int port() {
        return port;
    }

    /** Binds {@code wanted} (0: any free port), retrying for a while if the old socket is still closing. */
    void start(int wanted) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try {
                bind(wanted);
                return;
            } catch (BindException e) {
                if (wanted == 0 || System.nanoTime() > deadline) {
                    throw e;
                }
                TimeUnit.MILLISECONDS.sleep(50);
            }
        }
    }

    /** Closes the listening socket and every open connection at once. */
    void stop() {
        HttpServer s = server;
        if (s != null) {
            server = null;
            s.stop(0);
        }
    }

    void close() {
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
            https.setHttpsConfigurator(new HttpsConfigurator(tls) {
                @Override
                public void configure(HttpsParameters params) {
                    SSLParameters p = tls.getDefaultSSLParameters();
                    p.setNeedClientAuth(needClientAuth);
                    params.setSSLParameters(p);
                }
            });
            s = https;
        }
        s.setExecutor(executor);
        s.createContext("/", handler);
        s.start();
        port = s.getAddress().getPort();
        server = s;
    }
}
