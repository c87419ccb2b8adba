package org.vip4j.dcs.consul;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.vip4j.spi.Json;
import org.vip4j.spi.LeaderObservation;

/**
 * What one {@code GET /v1/kv/<key>} told us: the observation and Consul's {@code X-Consul-Index} (0 when the
 * answer had none, e.g. a failure).
 */
record ConsulRead(LeaderObservation observation, long index) {

    boolean failed() {
        return observation instanceof LeaderObservation.Unreachable;
    }

    static ConsulRead failure(String reason) {
        return new ConsulRead(new LeaderObservation.Unreachable(reason), 0L);
    }

    /**
     * Maps an answer as documented in Consul's KV API: 200 with a JSON array of entries whose Value is base64
     * (or null), 404 when the key does not exist, 403 when the ACL token may not read it, 500 "No cluster leader".
     */
    static ConsulRead of(URI endpoint, HttpResponse<String> response) {
        int status = response.statusCode();
        long index = header(response, "X-Consul-Index").map(ConsulRead::parseIndex).orElse(0L);
        // Only stale reads can come back without a leader; we never ask for those, so trust nothing that does.
        boolean knownLeader = header(response, "X-Consul-KnownLeader").map(v -> !v.equalsIgnoreCase("false"))
                .orElse(true);
        String where = "Consul at " + endpoint;
        if ((status == 200 || status == 404) && !knownLeader) {
            return failure(where + " answered without a known cluster leader (X-Consul-KnownLeader: false)");
        }
        switch (status) {
            case 200:
                try {
                    return new ConsulRead(entry(response.body(), index), index);
                } catch (IllegalArgumentException | ClassCastException e) {
                    return failure(where + " sent a KV answer we cannot read: " + e.getMessage());
                }
            case 404:
                return new ConsulRead(new LeaderObservation.NoLeader(index), index);
            case 403:
                return failure(where + " refused the ACL token (consul-token) for this key: HTTP 403 "
                        + snippet(response.body()));
            default:
                String body = snippet(response.body());
                if (status == 500 && body.toLowerCase(Locale.ROOT).contains("no cluster leader")) {
                    return failure(where + " has no cluster leader (HTTP 500 " + body + ")");
                }
                return failure(where + " answered HTTP " + status + " " + body);
        }
    }

    private static LeaderObservation entry(String body, long index) {
        Object doc = Json.parse(body);
        List<?> entries = (List<?>) doc;
        if (entries.isEmpty()) {
            return new LeaderObservation.NoLeader(index);
        }
        Map<?, ?> e = (Map<?, ?>) entries.get(0);
        Object value = e.get("Value");
        String text = value == null ? "" : new String(Base64.getDecoder().decode((String) value),
                StandardCharsets.UTF_8);
        Object modify = e.get("ModifyIndex");
        long revision = modify instanceof Long l ? l : index;
        return new LeaderObservation.Leader(text, revision);
    }

    private static Optional<String> header(HttpResponse<?> response, String name) {
        return response.headers().firstValue(name).map(String::trim);
    }

    private static long parseIndex(String text) {
        try {
            return Long.parseUnsignedLong(text);
        } catch (NumberFormatException e) {
            return 0L;
        }
    }

    /** The start of an error body for the log; Consul's error bodies are short plain text and hold no secrets. */
    private static String snippet(String body) {
        if (body == null || body.isBlank()) {
            return "(empty body)";
        }
        String t = body.strip().replaceAll("\\s+", " ");
        return '"' + (t.length() > 200 ? t.substring(0, 200) + "..." : t) + '"';
    }
}
