package org.vip4j.dcs.consul.testing;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;

/**
 * An in-process stand-in for a Consul agent's KV HTTP API, written from Consul's public API documentation
 * ("KV Store", "Blocking Queries", "Consistency Modes", "ACL"), for tests where no {@code consul} binary exists.
 * Listens on 127.0.0.1 only.
 *
 * <p>Reproduces: {@code GET/PUT/DELETE /v1/kv/<key>}; GET answers a JSON array with base64 {@code Value}
 * ({@code null} when empty), {@code CreateIndex}, {@code ModifyIndex}, {@code LockIndex}, {@code Flags}, or 404
 * when the key is absent, and {@code ?raw}; blocking queries ({@code ?index=N&wait=D}, wait default 5m, capped at
 * 10m, plus up to wait/16 of jitter; 400 for a bad index or wait) that hold the request until the key's index
 * passes N or the wait ends; the index of an absent key is the KV table's index, so any KV write wakes its
 * watchers, as in Consul; {@code X-Consul-Index} (never below 1), {@code X-Consul-KnownLeader},
 * {@code X-Consul-LastContact} headers; {@code ?consistent} and {@code ?stale}; ACLs ({@link #requireToken}): the
 * token from {@code X-Consul-Token}, {@code Authorization: Bearer} or {@code ?token=}, 403 "Permission denied"
 * without one and 403 "ACL not found" for a wrong one; losing the cluster leader ({@link #loseLeader}): 500
 * "No cluster leader" for default and consistent reads and for writes, stale reads still served with
 * {@code X-Consul-KnownLeader: false}; a snapshot restore to an older index ({@link #restoreOlderSnapshot}) that
 * wakes blocked queries, which answer the lower index; PUT {@code ?cas=}; {@code GET /v1/status/leader}; https with
 * an optional client certificate ({@link #startTls}); stop (listener and open connections closed, like a killed
 * agent) and start on the same port keeping the data.
 *
 * <p>Does not reproduce: sessions and locks ({@code ?acquire}, {@code ?release}; LockIndex stays 0), {@code
 * ?recurse}, {@code ?keys}, transactions, datacenters, namespaces, ACL policies (one token reads and writes
 * everything), the RPC hold time before "No cluster leader" (real agents wait up to rpc_hold_timeout, 7 s),
 * blocked queries that outlive a leader loss on a follower, the raft index moving for non-KV writes, Consul's own
 * TLS settings (https here is the JDK's), HTTP/2, request rate limits, and packets dropped by the network (stop() refuses and
 * resets connections; {@link #hang} accepts and never answers, the closest it comes). {@link #injectZeroIndex} mimics an old Consul bug.
 */
public final class ConsulDouble implements AutoCloseable {

    /** One request as the double saw it, for tests that check what the client sent. */
    public record Request(String method, String path, String query, boolean tokenInHeader, boolean tokenInQuery) {
    }

    private static final Duration DEFAULT_WAIT = Duration.ofMinutes(5);
    private static final Duration MAX_WAIT = Duration.ofMinutes(10);

    private final Object lock = new Object();
    private final KvStore store = new KvStore();
    private final List<Request> requests = new ArrayList<>();
    private final LoopbackServer server;
    private boolean running;
    private String token;
    private boolean hasLeader = true;
    private boolean zeroIndex;
    private boolean hung;
    private int blocked;
    private long generation; // bumped by stop() and restoreOlderSnapshot(): blocked queries give up their wait

    /** Starts on a free port of 127.0.0.1. */
    private ConsulDouble(SSLContext tls, boolean needClientAuth) {
        server = new LoopbackServer(this::handle, tls, needClientAuth);
    }

    /**
     * Starts serving https with {@code serverContext}'s certificate; with {@code needClientAuth} a client must present
     * a certificate that the context trusts.
     */
    public static ConsulDouble startTls(SSLContext serverContext, boolean needClientAuth)
            throws IOException, InterruptedException {
        ConsulDouble d = new ConsulDouble(serverContext, needClientAuth);
        d.restart();
        return d;
    }

    /** Starts on a free port of 127.0.0.1. */
    public static ConsulDouble start() throws IOException, InterruptedException {
        ConsulDouble d = new ConsulDouble(null, false);
        d.restart();
        return d;
    }

    /** {@code http://127.0.0.1:<port>} (https after {@link #startTls}). */
    public URI uri() {
        return server.uri();
    }

    public int port() {
        return server.port();
    }

    /** Writes {@code key} as a client PUT would (bumps the index, wakes watchers). */
    public void put(String key, String value) {
        synchronized (lock) {
            store.put(key, value.getBytes(StandardCharsets.UTF_8));
            lock.notifyAll();
        }
    }

    /** Deletes {@code key} as a client DELETE would. */
    public void delete(String key) {
        synchronized (lock) {
            store.delete(key);
            lock.notifyAll();
        }
    }

    public Optional<String> get(String key) {
        synchronized (lock) {
            return store.get(key).map(e -> new String(e.value(), StandardCharsets.UTF_8));
        }
    }

    /** The current raft index of the KV table. */
    public long index() {
        synchronized (lock) {
            return store.tableIndex();
        }
    }

    /** Turns ACLs on with default deny: only requests carrying {@code token} may read or write. */
    public void requireToken(String token) {
        synchronized (lock) {
            this.token = token;
        }
    }

    /** The cluster loses its leader: reads other than {@code ?stale} and all writes answer 500. */
    public void loseLeader() {
        synchronized (lock) {
            hasLeader = false;
        }
    }

    /** A leader is elected again. */
    public void electLeader() {
        synchronized (lock) {
            hasLeader = true;
            lock.notifyAll();
        }
    }

    /**
     * As after restoring an older snapshot (or rebuilding the cluster): every index drops to at most {@code to},
     * values stay, and blocked queries return at once with the lower index, as Consul's state store abandons them.
     */
    public void restoreOlderSnapshot(long to) {
        synchronized (lock) {
            store.rewind(to);
            generation++;
            lock.notifyAll();
        }
    }

    /**
     * While on, requests are accepted and then never answered (until turned off or stop()): an agent whose process
     * is wedged, or a network that lost the answers, as opposed to a refused connection.
     */
    public void hang(boolean on) {
        synchronized (lock) {
            hung = on;
            lock.notifyAll();
        }
    }

    /** Answers {@code X-Consul-Index: 0}, as some old Consul versions did. */
    public void injectZeroIndex(boolean on) {
        synchronized (lock) {
            zeroIndex = on;
        }
    }

    /** Every request so far, oldest first. */
    public List<Request> requests() {
        synchronized (lock) {
            return List.copyOf(requests);
        }
    }

    /** Waits until the double has received at least {@code n} requests in all; false on timeout. */
    public boolean awaitRequests(int n, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (requests.size() < n) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(lock, left);
            }
            return true;
        }
    }

    /** Waits until at least {@code n} requests are held in a blocking query; false on timeout. */
    public boolean awaitBlocked(int n, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (blocked < n) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(lock, left);
            }
            return true;
        }
    }

    /** Closes the listening socket and every open connection, like a killed agent; the data is kept. */
    public void stop() {
        synchronized (lock) {
            if (!running) {
                return;
            }
            running = false;
            generation++;
            lock.notifyAll();
        }
        server.stop();
    }

    /** Starts again (on the same port once it had one), with the same data. */
    public void restart() throws IOException, InterruptedException {
        synchronized (lock) {
            if (running) {
                return;
            }
            running = true;
        }
        try {
            server.start(server.port());
        } catch (IOException | InterruptedException | RuntimeException e) {
            synchronized (lock) {
                running = false;
            }
            throw e;
        }
    }

    @Override
    public void close() {
        stop();
        server.close();
    }

    private void handle(HttpExchange ex) {
        try {
            ConsulHttpRequest req = ConsulHttpRequest.of(ex);
            synchronized (lock) {
                requests.add(new Request(req.method(), req.path(), req.rawQuery(), req.tokenInHeader(),
                        req.tokenInQuery()));
                lock.notifyAll();
            }
            Answer a = answer(req);
            if (a == null) {
                return; // stopped while blocked: the connection just closes
            }
            a.headers().forEach((k, v) -> ex.getResponseHeaders().set(k, v));
            byte[] body = a.body();
            ex.sendResponseHeaders(a.status(), body.length == 0 ? -1 : body.length);
            if (body.length > 0) {
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(body);
                }
            }
        } catch (IOException e) {
            // the client went away, or stop() closed the connection: nothing to answer
        } finally {
            ex.close();
        }
    }

    private Answer answer(ConsulHttpRequest req) {
        synchronized (lock) {
            while (hung && running) {
                try {
                    lock.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return null;
                }
            }
            if (!running) {
                return null;
            }
            if (token != null) {
                Optional<String> given = req.token();
                if (given.isEmpty()) {
                    return Answer.text(403, "Permission denied: anonymous token lacks permission 'key:read'");
                }
                if (!given.get().equals(token)) {
                    return Answer.text(403, "ACL not found");
                }
            }
            if (req.path().equals("/v1/status/leader")) {
                return Answer.json(200, hasLeader ? "\"127.0.0.1:8300\"" : "\"\"");
            }
            if (!req.path().startsWith("/v1/kv/")) {
                return Answer.text(404, "Invalid URL path: not a KV request the Consul double knows");
            }
            String key = req.path().substring("/v1/kv/".length());
            if (key.isEmpty() || req.has("recurse") || req.has("keys") || req.has("acquire") || req.has("release")) {
                return Answer.text(400, "not supported by the Consul double: " + req.rawQuery());
            }
            switch (req.method()) {
                case "GET":
                    return get(req, key);
                case "PUT":
                case "DELETE":
                    if (!hasLeader) {
                        return Answer.text(500, "No cluster leader");
                    }
                    return Answer.json(200, String.valueOf(write(req, key)));
                default:
                    return Answer.text(405, "method " + req.method() + " not allowed");
            }
        }
    }

    /** Called holding {@code lock}; waits on it while the query blocks. */
    private Answer get(ConsulHttpRequest req, String key) {
        boolean stale = req.has("stale");
        if (!hasLeader && !stale) {
            return Answer.text(500, "No cluster leader");
        }
        if (req.has("index") && req.longParam("index").isEmpty()) {
            return Answer.text(400, "Invalid index");
        }
        if (req.has("wait") && req.durationParam("wait").isEmpty()) {
            return Answer.text(400, "Invalid wait time");
        }
        long min = req.longParam("index").orElse(0L);
        if (min > 0) {
            Duration wait = req.durationParam("wait").orElse(DEFAULT_WAIT);
            if (wait.compareTo(MAX_WAIT) > 0) {
                wait = MAX_WAIT;
            }
            long jitter = ThreadLocalRandom.current().nextLong(wait.toNanos() / 16 + 1);
            long deadline = System.nanoTime() + wait.toNanos() + jitter;
            long gen = generation;
            blocked++;
            lock.notifyAll();
            try {
                while (running && gen == generation && store.indexOf(key) <= min) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        break;
                    }
                    TimeUnit.NANOSECONDS.timedWait(lock, left);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            } finally {
                blocked--;
            }
            if (!running) {
                return null;
            }
            if (!hasLeader && !stale) {
                return Answer.text(500, "No cluster leader");
            }
        }
        long index = zeroIndex ? 0 : Math.max(1, store.indexOf(key));
        Answer a = store.get(key)
                .map(e -> req.has("raw") ? Answer.bytes(200, e.value()) : Answer.json(200, e.toJson()))
                .orElseGet(() -> Answer.text(404, ""));
        a.headers().put("X-Consul-Index", Long.toString(index));
        a.headers().put("X-Consul-KnownLeader", Boolean.toString(hasLeader));
        a.headers().put("X-Consul-LastContact", hasLeader ? "0" : "60000");
        return a;
    }

    private boolean write(ConsulHttpRequest req, String key) {
        Optional<Long> cas = req.longParam("cas");
        if (req.method().equals("DELETE")) {
            if (cas.isPresent() && store.get(key).map(e -> e.modifyIndex() != cas.get()).orElse(true)) {
                return false;
            }
            store.delete(key);
        } else {
            if (cas.isPresent() && cas.get() == 0 && store.get(key).isPresent()) {
                return false;
            }
            if (cas.isPresent() && cas.get() != 0
                    && store.get(key).map(e -> e.modifyIndex() != cas.get()).orElse(true)) {
                return false;
            }
            store.put(key, req.body());
        }
        lock.notifyAll();
        return true;
    }
}
