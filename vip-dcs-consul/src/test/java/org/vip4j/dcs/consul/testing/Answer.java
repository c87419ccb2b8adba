package org.vip4j.dcs.consul.testing;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** A response the double is about to send. */
record Answer(int status, Map<String, String> headers, byte[] body) {

    static Answer json(int status, String json) {
        return of(status, "application/json", json.getBytes(StandardCharsets.UTF_8));
    }

    static Answer text(int status, String text) {
        return of(status, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8));
    }

    static Answer bytes(int status, byte[] raw) {
        return of(status, "application/octet-stream", raw);
    }

    private static Answer of(int status, String type, byte[] body) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Content-Type", type);
        return new Answer(status, h, body);
    }
}
