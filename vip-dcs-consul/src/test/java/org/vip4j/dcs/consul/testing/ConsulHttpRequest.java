package org.vip4j.dcs.consul.testing;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** The parts of an HTTP request the double looks at. */
record ConsulHttpRequest(String method, String path, String rawQuery, Map<String, String> params,
        Optional<String> headerToken, byte[] body) {

    static ConsulHttpRequest of(HttpExchange ex) throws IOException {
        String rawQuery = ex.getRequestURI().getRawQuery();
        Map<String, String> params = new HashMap<>();
        if (rawQuery != null) {
            for (String p : rawQuery.split("&")) {
                if (p.isEmpty()) {
                    continue;
                }
                int eq = p.indexOf('=');
                String name = URLDecoder.decode(eq < 0 ? p : p.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(p.substring(eq + 1), StandardCharsets.UTF_8);
                params.put(name, value);
            }
        }
        Optional<String> token = Optional.ofNullable(ex.getRequestHeaders().getFirst("X-Consul-Token"));
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        if (token.isEmpty() && auth != null && auth.startsWith("Bearer ")) {
            token = Optional.of(auth.substring("Bearer ".length()).trim());
        }
        byte[] body;
        try (InputStream in = ex.getRequestBody()) {
            body = in.readAllBytes();
        }
        return new ConsulHttpRequest(ex.getRequestMethod(), ex.getRequestURI().getPath(),
                rawQuery == null ? "" : rawQuery, params, token, body);
    }

    boolean has(String param) {
        return params.containsKey(param);
    }

    boolean tokenInHeader() {
        return headerToken.isPresent();
    }

    boolean tokenInQuery() {
        return params.containsKey("token");
    }

    /** The header token, else {@code ?token=}, as Consul's agent reads it. */
    Optional<String> token() {
        return headerToken.isPresent() ? headerToken : Optional.ofNullable(params.get("token"));
    }

    Optional<Long> longParam(String name) {
        String v = params.get(name);
        if (v == null || v.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Long.parseLong(v));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** A Go-style duration as Consul parses {@code wait}: {@code 10s}, {@code 5m}, {@code 250ms}, {@code 1h}. */
    Optional<Duration> durationParam(String name) {
        String v = params.get(name);
        if (v == null || v.isEmpty()) {
            return Optional.empty();
        }
        try {
            if (v.endsWith("ms")) {
                return Optional.of(Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2))));
            }
            long n = Long.parseLong(v.substring(0, v.length() - 1));
            switch (v.charAt(v.length() - 1)) {
                case 's':
                    return Optional.of(Duration.ofSeconds(n));
                case 'm':
                    return Optional.of(Duration.ofMinutes(n));
                case 'h':
                    return Optional.of(Duration.ofHours(n));
                default:
                    return Optional.empty();
            }
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
