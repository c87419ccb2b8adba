package org.vip4j.net.hetzner.testing;

import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An in-process stand-in for the Hetzner Robot web service's failover API, written from Hetzner's public Robot
 * web-service documentation ("Failover", "Error format", "Request limit", "Authentication error"), for tests that
 * must never reach robot-ws.your-server.de. Listens on 127.0.0.1 only.
 *
 * <p>Reproduces: HTTP basic auth (401 {@code UNAUTHORIZED} for a wrong or missing user); {@code GET /failover/<ip>}
 * answering {@code {"failover":{"ip","netmask","server_ip","server_ipv6_net","server_number","active_server_ip"}}}
 * ({@code active_server_ip} null while unrouted) or 404 {@code NOT_FOUND}; {@code POST /failover/<ip>} with the form
 * field {@code active_server_ip}: 400 {@code INVALID_INPUT} (with {@code missing}/{@code invalid} arrays) without it
 * or for an address that is not a server of the account, 409 {@code FAILOVER_ALREADY_ROUTED} when it is routed
 * there already, 409 {@code FAILOVER_LOCKED} ({@link #lock}), 500 {@code FAILOVER_FAILED} ({@link #failSwitches}),
 * and a switch that answers only once done, which a test can hold ({@link #holdSwitches}); {@code DELETE
 * /failover/<ip>} (unroute); request limits per hour for reads and for switches, answered with 403 {@code
 * RATE_LIMIT_EXCEEDED} and {@code max_request}/{@code interval}; maintenance (503).
 *
 * <p>Does not reproduce: the real limits' values (set here per test), the 10-minute block after 3 failed logins,
 * the time a real switch takes (seconds; here instant unless held), IPv6 failover nets, the other Robot endpoints
 * ({@code GET /failover} listing, servers, reset, vSwitch), https, and the IPs from which the web service accepts
 * calls. Error codes and bodies follow the documentation as written; it was never compared with the real service.
 */
public final class RobotDouble implements AutoCloseable {

    /** One request as the double saw it. */
    public record Request(String method, String path, String form, boolean authorized) {
    }

    private static final class Failover {
        final String ip;
        final String serverIp;
        final int serverNumber;
        String active;

        Failover(String ip, String serverIp, int serverNumber) {
            this.ip = ip;
            this.serverIp = serverIp;
            this.serverNumber = serverNumber;
            this.active = serverIp;
        }
    }

    private final Object lock = new Object();
    private final String authorization;
    private final Map<String, Failover> failovers = new LinkedHashMap<>();
    private final Map<String, Integer> servers = new HashMap<>();
    private final List<Request> requests = new ArrayList<>();
    private final LoopbackHttp http;
    private int readLimit = Integer.MAX_VALUE;
    private int switchLimit = Integer.MAX_VALUE;
    private int reads;
    private int switches;
    private boolean locked;
    private boolean failing;
    private boolean maintenance;
    private boolean holding;
    private int held;

    private RobotDouble(String user, String password) throws IOException {
        authorization = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password)
                .getBytes(StandardCharsets.UTF_8));
        http = new LoopbackHttp("robot-double", this::answer);
    }

    /** Starts on a free port of 127.0.0.1, accepting the web-service user {@code user}. */
    public static RobotDouble start(String user, String password) throws IOException {
        return new RobotDouble(user, password);
    }

    /** {@code http://127.0.0.1:<port>}, the base URL ({@code VIP_HETZNER_URL}). */
    public URI uri() {
        return http.uri();
    }

    /** A server of the account, by its main IP. */
    public RobotDouble server(String mainIp, int number) {
        synchronized (lock) {
            servers.put(mainIp, number);
        }
        return this;
    }

    /** A failover IP of the account, belonging to (and at first routed to) the server {@code serverIp}. */
    public RobotDouble failover(String ip, String serverIp) {
        synchronized (lock) {
            failovers.put(ip, new Failover(ip, serverIp, servers.getOrDefault(serverIp, 0)));
        }
        return this;
    }

    /** Routes {@code ip} as another program (the Robot's web interface, another node) would; null: unrouted. */
    public void route(String ip, String serverIp) {
        synchronized (lock) {
            failovers.get(ip).active = serverIp;
        }
    }

    /** Where {@code ip} is routed now; empty while unrouted. */
    public Optional<String> activeServer(String ip) {
        synchronized (lock) {
            return Optional.ofNullable(failovers.get(ip).active);
        }
    }

    /** At most {@code reads} GETs and {@code switches} POSTs per hour from now on, as the documented limits. */
    public void limit(int reads, int switches) {
        synchronized (lock) {
            this.readLimit = reads;
            this.switchLimit = switches;
            this.reads = 0;
            this.switches = 0;
        }
    }

    /** While on, switches answer 409 FAILOVER_LOCKED (a switch of the same IP is under way elsewhere). */
    public void lock(boolean on) {
        synchronized (lock) {
            locked = on;
        }
    }

    /** While on, switches answer 500 FAILOVER_FAILED. */
    public void failSwitches(boolean on) {
        synchronized (lock) {
            failing = on;
        }
    }

    /** While on, every call answers 503, as during the web service's maintenance. */
    public void maintenance(boolean on) {
        synchronized (lock) {
            maintenance = on;
        }
    }

    /** While on, a switch is accepted and answered only after {@link #releaseSwitches()}: a slow routing change. */
    public void holdSwitches() {
        synchronized (lock) {
            holding = true;
        }
    }

    public void releaseSwitches() {
        synchronized (lock) {
            holding = false;
            lock.notifyAll();
        }
    }

    /** Waits until a switch is held; false on timeout. */
    public boolean awaitHeldSwitch(Duration timeout) throws InterruptedException {
        return LoopbackHttp.awaitUnder(lock, () -> held != 0, timeout);
    }

    public List<Request> requests() {
        synchronized (lock) {
            return List.copyOf(requests);
        }
    }

    @Override
    public void close() {
        releaseSwitches();
        http.close();
    }

    private LoopbackHttp.Reply answer(LoopbackHttp.Call call) throws InterruptedException {
        synchronized (lock) {
            boolean authorized = authorization.equals(call.authorization());
            requests.add(new Request(call.method(), call.path(), call.body(), authorized));
            if (maintenance) {
                return error(503, "MAINTENANCE", "The webservice is unavailable due to maintenance", "");
            }
            if (!authorized) {
                return error(401, "UNAUTHORIZED", "Unauthorized", "");
            }
            if (!call.path().startsWith("/failover/")) {
                return error(404, "NOT_FOUND", "Not found", "");
            }
            Failover f = failovers.get(call.path().substring("/failover/".length()));
            switch (call.method()) {
                case "GET":
                    if (++reads > readLimit) {
                        return rateLimited(readLimit);
                    }
                    return f == null ? error(404, "NOT_FOUND", "Failover ip not found", "") : ok(f);
                case "POST":
                case "DELETE":
                    if (++switches > switchLimit) {
                        return rateLimited(switchLimit);
                    }
                    if (f == null) {
                        return error(404, "NOT_FOUND", "Failover ip not found", "");
                    }
                    return call.method().equals("DELETE") ? unroute(f) : routeTo(f, call.body());
                default:
                    return error(405, "METHOD_NOT_ALLOWED", "Method not allowed", "");
            }
        }
    }

    /** Called holding {@code lock}; waits on it while switches are held. */
    private LoopbackHttp.Reply routeTo(Failover f, String form) throws InterruptedException {
        String target = formField(form, "active_server_ip");
        if (target == null || target.isEmpty()) {
            return error(400, "INVALID_INPUT", "invalid input", ",\"missing\":[\"active_server_ip\"],\"invalid\":null");
        }
        if (!servers.containsKey(target)) {
            return error(400, "INVALID_INPUT", "invalid input", ",\"missing\":null,\"invalid\":[\"active_server_ip\"]");
        }
        if (target.equals(f.active)) {
            return error(409, "FAILOVER_ALREADY_ROUTED", "The failover ip is already routed to the selected server",
                    "");
        }
        if (locked) {
            return error(409, "FAILOVER_LOCKED", "The failover ip is locked by another switch", "");
        }
        if (failing) {
            return error(500, "FAILOVER_FAILED", "Routing of the failover ip failed", "");
        }
        held++;
        lock.notifyAll();
        try {
            while (holding) {
                lock.wait();
            }
        } finally {
            held--;
        }
        f.active = target;
        return ok(f);
    }

    private LoopbackHttp.Reply unroute(Failover f) {
        f.active = null;
        return ok(f);
    }

    private static String formField(String form, String name) {
        for (String p : form.split("&")) {
            int eq = p.indexOf('=');
            if (eq > 0 && URLDecoder.decode(p.substring(0, eq), StandardCharsets.UTF_8).equals(name)) {
                return URLDecoder.decode(p.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    private static LoopbackHttp.Reply ok(Failover f) {
        return LoopbackHttp.Reply.json(200, "{\"failover\":{\"ip\":\"" + f.ip + "\",\"netmask\":\"255.255.255.255\","
                + "\"server_ip\":\"" + f.serverIp + "\",\"server_ipv6_net\":\"2001:db8:" + f.serverNumber + "::\","
                + "\"server_number\":" + f.serverNumber + ",\"active_server_ip\":"
                + (f.active == null ? "null" : "\"" + f.active + "\"") + "}}");
    }

    private static LoopbackHttp.Reply rateLimited(int max) {
        return LoopbackHttp.Reply.json(403, "{\"error\":{\"status\":403,\"code\":\"RATE_LIMIT_EXCEEDED\","
                + "\"max_request\":" + max + ",\"interval\":3600,\"message\":\"rate limit exceeded\"}}");
    }

    private static LoopbackHttp.Reply error(int status, String code, String message, String extra) {
        return LoopbackHttp.Reply.json(status, "{\"error\":{\"status\":" + status + ",\"code\":\"" + code
                + "\",\"message\":\"" + message + "\"" + extra + "}}");
    }
}
