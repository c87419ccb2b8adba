package org.vip4j.net.hetzner.testing;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An in-process stand-in for the Hetzner Cloud API's floating IPs and actions, written from Hetzner's public Cloud
 * API reference ("Floating IPs", "Floating IP Actions", "Actions", "Errors", "Rate Limiting", "Pagination"), for
 * tests that must never reach api.hetzner.cloud. Listens on 127.0.0.1 only.
 *
 * <p>Reproduces: bearer tokens (401 {@code unauthorized}); {@code GET /floating_ips} with {@code page} and
 * {@code per_page} and {@code meta.pagination}; {@code GET /floating_ips/<id>} ({@code server}: an id or null) or 404
 * {@code not_found}; {@code POST /floating_ips/<id>/actions/assign} with {@code {"server":<id>}} (400
 * {@code invalid_input} without it, 404 {@code not_found} for an unknown server) and {@code .../actions/unassign},
 * each answering 201 with a running action; {@code GET /actions/<id>} whose action stays {@code running} for a set
 * number of polls (or while {@link #holdActions held}) and then ends {@code success}, the assignment changing only
 * then, or {@code error} with an error object ({@link #failNextAction}); 423 {@code locked} while another action on
 * the floating IP runs; 409 {@code conflict} once ({@link #conflictNext}); a request budget per hour with {@code
 * RateLimit-Limit}, {@code RateLimit-Remaining}, {@code RateLimit-Reset} headers on every answer and 429 {@code
 * rate_limit_exceeded} when spent; 503 {@code maintenance}.
 *
 * <p>Does not reproduce: the real timing (an assignment takes seconds; here a number of polls), the budget's
 * refill of one request per second, label selectors and sorting, the other resources (servers, primary IPs, DNS
 * pointers, protection), https, and anything the reference leaves unsaid. It was never compared with the real API.
 */
public final class CloudDouble implements AutoCloseable {

    /** One request as the double saw it. */
    public record Request(String method, String path, String query, String body, boolean authorized) {
    }

    private static final Pattern FLOATING = Pattern.compile("/floating_ips/(\\d+)");
    private static final Pattern ACTION_ON = Pattern.compile("/floating_ips/(\\d+)/actions/(assign|unassign)");
    private static final Pattern ACTION = Pattern.compile("/actions/(\\d+)");
    private static final Pattern SERVER_FIELD = Pattern.compile("\"server\"\\s*:\\s*(\\d+)");

    private static final class Floating {
        final long id;
        final String ip;
        final String type;
        Long server;

        Floating(long id, String ip, String type, Long server) {
            this.id = id;
            this.ip = ip;
            this.type = type;
            this.server = server;
        }
    }

    private static final class Action {
        final long id;
        final String command;
        final Floating target;
        final Long server;
        int pollsLeft;
        String status = "running";
        String errorCode;
        String errorMessage;

        Action(long id, String command, Floating target, Long server, int polls) {
            this.id = id;
            this.command = command;
            this.target = target;
            this.server = server;
            this.pollsLeft = polls;
        }
    }

    private final Object lock = new Object();
    private final String authorization;
    private final Map<Long, Floating> floating = new LinkedHashMap<>();
    private final Set<Long> servers = new HashSet<>();
    private final Map<Long, Action> actions = new HashMap<>();
    private final List<Request> requests = new ArrayList<>();
    private final LoopbackHttp http;
    private long nextActionId = 13;
    private int pollsPerAction = 2;
    private int budget = 3600;
    private int remaining = 3600;
    private boolean holding;
    private boolean conflict;
    private boolean maintenance;
    private String[] failNext;
    private int actionPolls;

    private CloudDouble(String token) throws IOException {
        authorization = "Bearer " + token;
        http = new LoopbackHttp("cloud-double", this::answer);
    }

    /** Starts on a free port of 127.0.0.1, accepting API token {@code token}. */
    public static CloudDouble start(String token) throws IOException {
        return new CloudDouble(token);
    }

    /** The base URL ({@code VIP_HETZNER_CLOUD_URL}): {@code http://127.0.0.1:<port>/v1}. */
    public URI uri() {
        return URI.create(http.uri() + "/v1");
    }

    public CloudDouble server(long id) {
        synchronized (lock) {
            servers.add(id);
        }
        return this;
    }

    /**
     * A floating IP of the project: {@code ip} an IPv4 address or an IPv6 network ({@code 2001:db8:1::/64});
     * {@code server} null for unassigned.
     */
    public CloudDouble floatingIp(long id, String ip, Long server) {
        synchronized (lock) {
            floating.put(id, new Floating(id, ip, ip.contains(":") ? "ipv6" : "ipv4", server));
        }
        return this;
    }

    /** Deletes a floating IP, as in the Console. */
    public void delete(long floatingId) {
        synchronized (lock) {
            floating.remove(floatingId);
        }
    }

    /** Assigns as another program (the Console, another node) would; null unassigns. */
    public void assign(long floatingId, Long server) {
        synchronized (lock) {
            floating.get(floatingId).server = server;
        }
    }

    public Optional<Long> assignedServer(long floatingId) {
        synchronized (lock) {
            return Optional.ofNullable(floating.get(floatingId).server);
        }
    }

    /** How many polls of {@code GET /actions/<id>} an action answers {@code running} before it ends. */
    public void pollsPerAction(int polls) {
        synchronized (lock) {
            pollsPerAction = polls;
        }
    }

    /** While on, actions stay running however often they are polled. */
    public void holdActions() {
        synchronized (lock) {
            holding = true;
        }
    }

    public void releaseActions() {
        synchronized (lock) {
            holding = false;
        }
    }

    /** The next action ends with status {@code error} and this error object. */
    public void failNextAction(String code, String message) {
        synchronized (lock) {
            failNext = new String[] {code, message};
        }
    }

    /** The next action request answers 409 conflict (the resource changed while the request was processed). */
    public void conflictNext() {
        synchronized (lock) {
            conflict = true;
        }
    }

    /** {@code n} requests left this hour; the limit header says {@code limit}. */
    public void budget(int limit, int n) {
        synchronized (lock) {
            budget = limit;
            remaining = n;
        }
    }

    public void maintenance(boolean on) {
        synchronized (lock) {
            maintenance = on;
        }
    }

    /** Waits until actions have been polled {@code n} times in all; false on timeout. */
    public boolean awaitActionPolls(int n, Duration timeout) throws InterruptedException {
        return LoopbackHttp.awaitUnder(lock, () -> actionPolls >= n, timeout);
    }

    public List<Request> requests() {
        synchronized (lock) {
            return List.copyOf(requests);
        }
    }

    @Override
    public void close() {
        http.close();
    }

    private LoopbackHttp.Reply answer(LoopbackHttp.Call call) {
        synchronized (lock) {
            boolean authorized = authorization.equals(call.authorization());
            requests.add(new Request(call.method(), call.path(), call.query(), call.body(), authorized));
            lock.notifyAll();
            LoopbackHttp.Reply r = route(call, authorized);
            r.headers().put("RateLimit-Limit", Integer.toString(budget));
            r.headers().put("RateLimit-Remaining", Integer.toString(Math.max(0, remaining)));
            r.headers().put("RateLimit-Reset", "1767225600");
            return r;
        }
    }

    private LoopbackHttp.Reply route(LoopbackHttp.Call call, boolean authorized) {
        if (maintenance) {
            return error(503, "maintenance", "the API is under maintenance");
        }
        if (!authorized) {
            return error(401, "unauthorized", "unable to authenticate");
        }
        if (remaining <= 0) {
            return error(429, "rate_limit_exceeded", "limit of " + budget + " requests per hour reached");
        }
        remaining--;
        String path = call.path().startsWith("/v1/") ? call.path().substring(3) : call.path();
        Matcher m;
        if (call.method().equals("GET") && path.equals("/floating_ips")) {
            return list(call.query());
        }
        if (call.method().equals("GET") && (m = FLOATING.matcher(path)).matches()) {
            Floating f = floating.get(Long.parseLong(m.group(1)));
            return f == null ? notFound("floating_ip", m.group(1)) : LoopbackHttp.Reply.json(200,
                    "{\"floating_ip\":" + json(f) + "}");
        }
        if (call.method().equals("POST") && (m = ACTION_ON.matcher(path)).matches()) {
            return startAction(Long.parseLong(m.group(1)), m.group(2), call.body());
        }
        if (call.method().equals("GET") && (m = ACTION.matcher(path)).matches()) {
            Action a = actions.get(Long.parseLong(m.group(1)));
            if (a == null) {
                return notFound("action", m.group(1));
            }
            poll(a);
            return LoopbackHttp.Reply.json(200, "{\"action\":" + json(a) + "}");
        }
        return error(404, "not_found", "no such endpoint in the Cloud double: " + call.method() + " " + path);
    }

    private LoopbackHttp.Reply list(String query) {
        Map<String, String> q = new HashMap<>();
        for (String p : query.split("&")) {
            int eq = p.indexOf('=');
            if (eq > 0) {
                q.put(p.substring(0, eq), p.substring(eq + 1));
            }
        }
        int page = Integer.parseInt(q.getOrDefault("page", "1"));
        int perPage = Math.min(50, Integer.parseInt(q.getOrDefault("per_page", "25")));
        List<Floating> all = new ArrayList<>(floating.values());
        int last = Math.max(1, (all.size() + perPage - 1) / perPage);
        StringBuilder items = new StringBuilder();
        for (int i = (page - 1) * perPage; i < Math.min(all.size(), page * perPage); i++) {
            items.append(items.length() == 0 ? "" : ",").append(json(all.get(i)));
        }
        return LoopbackHttp.Reply.json(200, "{\"floating_ips\":[" + items + "],\"meta\":{\"pagination\":{\"page\":"
                + page + ",\"per_page\":" + perPage + ",\"previous_page\":" + (page > 1 ? page - 1 : "null")
                + ",\"next_page\":" + (page < last ? page + 1 : "null") + ",\"last_page\":" + last
                + ",\"total_entries\":" + all.size() + "}}}");
    }

    private LoopbackHttp.Reply startAction(long id, String verb, String body) {
        Floating f = floating.get(id);
        if (f == null) {
            return notFound("floating_ip", Long.toString(id));
        }
        Long server = null;
        if (verb.equals("assign")) {
            Matcher m = SERVER_FIELD.matcher(body == null ? "" : body);
            if (!m.find()) {
                return LoopbackHttp.Reply.json(400, "{\"error\":{\"code\":\"invalid_input\",\"message\":\"invalid "
                        + "input in field 'server'\",\"details\":{\"fields\":[{\"name\":\"server\",\"messages\":"
                        + "[\"Missing data for required field.\"]}]}}}");
            }
            server = Long.parseLong(m.group(1));
            if (!servers.contains(server)) {
                return notFound("server", Long.toString(server));
            }
        }
        if (conflict) {
            conflict = false;
            return error(409, "conflict", "floating_ip " + id + " changed while the request was processed");
        }
        for (Action a : actions.values()) {
            if (a.target == f && a.status.equals("running")) {
                return error(423, "locked", "floating_ip " + id + " is locked by action " + a.id);
            }
        }
        Action a = new Action(nextActionId++, verb + "_floating_ip", f, server, pollsPerAction);
        if (failNext != null) {
            a.errorCode = failNext[0];
            a.errorMessage = failNext[1];
            failNext = null;
        }
        actions.put(a.id, a);
        return LoopbackHttp.Reply.json(201, "{\"action\":" + json(a) + "}");
    }

    private void poll(Action a) {
        actionPolls++;
        lock.notifyAll();
        if (!a.status.equals("running") || holding || --a.pollsLeft > 0) {
            return;
        }
        if (a.errorCode != null) {
            a.status = "error";
            return;
        }
        a.status = "success";
        a.target.server = a.command.startsWith("assign") ? a.server : null;
    }

    private static String json(Floating f) {
        return "{\"id\":" + f.id + ",\"name\":\"fip-" + f.id + "\",\"description\":null,\"ip\":\"" + f.ip + "\","
                + "\"type\":\"" + f.type + "\",\"server\":" + (f.server == null ? "null" : f.server) + ","
                + "\"dns_ptr\":[],\"home_location\":{\"name\":\"fsn1\"},\"blocked\":false,"
                + "\"protection\":{\"delete\":false},\"labels\":{},\"created\":\"2026-01-01T00:00:00+00:00\"}";
    }

    private static String json(Action a) {
        boolean done = !a.status.equals("running");
        return "{\"id\":" + a.id + ",\"command\":\"" + a.command + "\",\"status\":\"" + a.status + "\","
                + "\"progress\":" + (done ? 100 : 0) + ",\"started\":\"2026-01-01T00:00:00+00:00\",\"finished\":"
                + (done ? "\"2026-01-01T00:00:03+00:00\"" : "null") + ",\"resources\":[{\"id\":" + a.target.id
                + ",\"type\":\"floating_ip\"}" + (a.server == null ? "" : ",{\"id\":" + a.server
                + ",\"type\":\"server\"}") + "],\"error\":" + (a.status.equals("error") ? "{\"code\":\""
                + a.errorCode + "\",\"message\":\"" + a.errorMessage + "\"}" : "null") + "}";
    }

    private static LoopbackHttp.Reply notFound(String what, String id) {
        return error(404, "not_found", what + " with ID '" + id + "' not found");
    }

    private static LoopbackHttp.Reply error(int status, String code, String message) {
        return LoopbackHttp.Reply.json(status, "{\"error\":{\"code\":\"" + code + "\",\"message\":\"" + message
                + "\",\"details\":{}}}");
    }
}
