package org.vip4j.net.hetzner;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import org.vip4j.VirtualAddress;
import org.vip4j.spi.Json;

/**
 * The Robot web service's failover IPs: {@code GET /failover/<ip>} says where it routes ({@code active_server_ip}),
 * {@code POST /failover/<ip>} with form field {@code active_server_ip} routes it to a server and answers once the
 * routing is done. The Robot could also delete a routing, but vip4j never does: an unrouted failover IP reaches no
 * server at all, and the call would spend the hourly limit that the next holder needs for its own switch.
 */
final class RobotRouter implements FailoverRouter {

    private static final String SERVICE = "Hetzner Robot";

    private final ApiHttp api;
    private final String serverIp;

    RobotRouter(ApiHttp api, String serverIp) {
        this.api = api;
        this.serverIp = serverIp;
    }

    @Override
    public String service() {
        return SERVICE;
    }

    @Override
    public String thisServer() {
        return "server " + serverIp;
    }

    @Override
    public Routing lookup(VirtualAddress vip, long deadlineNanos) throws IOException {
        String path = path(vip);
        ApiResponse r = api.send("GET", path, null, null, deadlineNanos);
        return routing(r, "GET " + path);
    }

    @Override
    public void routeHere(VirtualAddress vip, long deadlineNanos) throws IOException {
        String path = path(vip);
        String form = "active_server_ip=" + URLEncoder.encode(serverIp, StandardCharsets.UTF_8);
        ApiResponse r = api.send("POST", path, "application/x-www-form-urlencoded", form, deadlineNanos);
        if (r.status() == 409 && Json.text(parseOrNull(r), "error", "code").orElse("")
                .equals("FAILOVER_ALREADY_ROUTED")) {
            return; // routed here meanwhile (by an earlier call of ours that timed out, say): what we wanted
        }
        Routing now = routing(r, "POST " + path);
        if (!now.here()) {
            throw new ApiException(SERVICE + " accepted POST " + path + " but routes " + vip.host() + " to "
                    + now.target() + ", not " + serverIp, r.status());
        }
    }

    private Routing routing(ApiResponse r, String what) throws IOException {
        if (!r.isSuccess()) {
            throw ApiErrors.of(SERVICE, what, r);
        }
        Object json = r.json(SERVICE, what);
        if (Json.at(json, "failover").isEmpty()) {
            throw new ApiException(SERVICE + " answered " + what + " without a failover object", r.status());
        }
        // null while the IP is routed nowhere (someone deleted the routing in the Robot)
        String active = Json.text(json, "failover", "active_server_ip").orElse(null);
        return new Routing(serverIp.equals(active), active == null ? "nowhere" : "server " + active);
    }

    private static Object parseOrNull(ApiResponse r) {
        try {
            return Json.parse(r.body());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String path(VirtualAddress vip) {
        return "/failover/" + vip.host();
    }
}
