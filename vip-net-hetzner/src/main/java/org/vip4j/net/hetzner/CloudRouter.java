package org.vip4j.net.hetzner;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.vip4j.VirtualAddress;
import org.vip4j.spi.Json;

/**
 * Hetzner Cloud floating IPs: found by address in {@code GET /floating_ips} (the id is kept), read with
 * {@code GET /floating_ips/<id>} ({@code server}: the id it is assigned to, or null), moved with the
 * {@code assign} action (which takes it from the server it was on; vip4j never sends {@code unassign}). Actions run
 * asynchronously: the call polls
 * {@code GET /actions/<id>} until {@code success} or {@code error}, within its deadline.
 */
final class CloudRouter implements FailoverRouter {

    private static final String SERVICE = "Hetzner Cloud";
    /** How often a running action is polled: an assignment takes seconds, and each poll counts against the limit. */
    static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
    private static final int PER_PAGE = 50;

    private final ApiHttp api;
    private final long serverId;
    private final long pollNanos;
    private final Map<VirtualAddress, Long> ids = new ConcurrentHashMap<>();

    CloudRouter(ApiHttp api, long serverId, long pollNanos) {
        this.api = api;
        this.serverId = serverId;
        this.pollNanos = pollNanos;
    }

    @Override
    public String service() {
        return SERVICE;
    }

    @Override
    public String thisServer() {
        return "server " + serverId;
    }

    @Override
    public Routing lookup(VirtualAddress vip, long deadlineNanos) throws IOException {
        long id = id(vip, deadlineNanos);
        String path = "/floating_ips/" + id;
        ApiResponse r = api.send("GET", path, null, null, deadlineNanos);
        if (r.status() == 404) {
            ids.remove(vip); // deleted and perhaps re-created under another id: look it up again next time
        }
        if (!r.isSuccess()) {
            throw ApiErrors.of(SERVICE, "GET " + path, r);
        }
        Object json = r.json(SERVICE, "GET " + path);
        if (Json.at(json, "floating_ip").isEmpty()) {
            throw new ApiException(SERVICE + " answered GET " + path + " without a floating_ip object", r.status());
        }
        Optional<Long> server = Json.number(json, "floating_ip", "server");
        return new Routing(server.map(s -> s == serverId).orElse(false),
                server.map(s -> "server " + s).orElse("nowhere"));
    }

    @Override
    public void routeHere(VirtualAddress vip, long deadlineNanos) throws IOException {
        long id = id(vip, deadlineNanos);
        runAction("/floating_ips/" + id + "/actions/assign", "{\"server\":" + serverId + "}", deadlineNanos);
    }

    private void runAction(String path, String body, long deadlineNanos) throws IOException {
        ApiResponse r = api.send("POST", path, "application/json", body, deadlineNanos);
        if (!r.isSuccess()) {
            throw ApiErrors.of(SERVICE, "POST " + path, r);
        }
        Object json = r.json(SERVICE, "POST " + path);
        long actionId = Json.number(json, "action", "id").orElseThrow(() -> new ApiException(SERVICE
                + " answered POST " + path + " without an action id", r.status()));
        String command = Json.text(json, "action", "command").orElse(path.substring(path.lastIndexOf('/') + 1));
        while (true) {
            String status = Json.text(json, "action", "status").orElse("running");
            if (status.equals("success")) {
                return;
            }
            if (status.equals("error")) {
                throw new ApiException(SERVICE + " action " + command + " " + actionId + " failed: "
                        + Json.text(json, "action", "error", "code").orElse("no error code") + " \""
                        + Json.text(json, "action", "error", "message").orElse("") + "\"", r.status());
            }
            long left = deadlineNanos - System.nanoTime();
            if (left <= pollNanos) {
                throw stillRunning(command, actionId, status, json);
            }
            LockSupport.parkNanos(pollNanos);
            if (Thread.currentThread().isInterrupted()) {
                throw new ApiException(SERVICE + " action " + command + " " + actionId + ": waiting interrupted "
                        + "(abandoned at takeover-timeout)", 0);
            }
            String poll = "/actions/" + actionId;
            ApiResponse p;
            try {
                p = api.send("GET", poll, null, null, deadlineNanos);
            } catch (ApiException e) {
                if (deadlineNanos - System.nanoTime() > 0) {
                    throw e;
                }
                // the deadline came during the wait or the poll (a park overshoots): what is known is its last status
                throw stillRunning(command, actionId, status, json);
            }
            if (!p.isSuccess()) {
                throw ApiErrors.of(SERVICE, "GET " + poll, p);
            }
            json = p.json(SERVICE, "GET " + poll);
        }
    }

    private static ApiException stillRunning(String command, long actionId, String status, Object json) {
        return new ApiException(SERVICE + " action " + command + " " + actionId + " still " + status + " ("
                + Json.number(json, "action", "progress").map(p -> p + " %").orElse("progress unknown")
                + ") at the deadline (takeover-timeout); not waiting longer", 0);
    }

        /** The floating IP's id, found once by listing the project's floating IPs page by page. */
    private long id(VirtualAddress vip, long deadlineNanos) throws IOException {
        Long known = ids.get(vip);
        if (known != null) {
            return known;
        }
        List<String> seen = new ArrayList<>();
        long page = 1;
        while (true) {
            String path = "/floating_ips?page=" + page + "&per_page=" + PER_PAGE;
            ApiResponse r = api.send("GET", path, null, null, deadlineNanos);
            if (!r.isSuccess()) {
                throw ApiErrors.of(SERVICE, "GET " + path, r);
            }
            Object json = r.json(SERVICE, "GET " + path);
            Object list = Json.at(json, "floating_ips").orElse(List.of());
            if (list instanceof List<?> items) {
                for (Object item : items) {
                    Optional<String> ip = Json.text(item, "ip");
                    Optional<Long> id = Json.number(item, "id");
                    if (ip.isEmpty() || id.isEmpty()) {
                        continue;
                    }
                    seen.add(ip.get());
                    if (matches(ip.get(), vip)) {
                        ids.put(vip, id.get());
                        return id.get();
                    }
                }
            }
            Optional<Long> next = Json.number(json, "meta", "pagination", "next_page");
            if (next.isEmpty() || next.get() <= page) {
                throw new ApiException(SERVICE + ": no floating IP " + vip.host() + " in this project (the token's); "
                        + "found: " + (seen.isEmpty() ? "none" : seen), 404);
            }
            page = next.get();
        }
    }

    /** IPv4 floating IPs are one address; IPv6 ones a /64 network ({@code 2001:db8:1::/64}) the VIP lies in. */
    static boolean matches(String floating, VirtualAddress vip) {
        int slash = floating.indexOf('/');
        try {
            if (slash < 0) {
                return literal(floating).equals(vip.address());
            }
            byte[] net = literal(floating.substring(0, slash)).getAddress();
            int bits = Integer.parseInt(floating.substring(slash + 1));
            byte[] a = vip.address().getAddress();
            if (net.length != a.length || bits < 0 || bits > a.length * 8) {
                return false;
            }
            for (int i = 0; i < bits; i++) {
                int mask = 0x80 >> (i % 8);
                if ((net[i / 8] & mask) != (a[i / 8] & mask)) {
                    return false;
                }
            }
            return true;
        } catch (UnknownHostException | NumberFormatException e) {
            return false;
        }
    }

    private static InetAddress literal(String text) throws UnknownHostException {
        if (!text.contains(":") && !text.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
            throw new UnknownHostException(text); // a name: never resolved
        }
        return InetAddress.getByName(text);
    }
}
