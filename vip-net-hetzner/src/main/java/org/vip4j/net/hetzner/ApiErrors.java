package org.vip4j.net.hetzner;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.vip4j.spi.Json;

/**
 * Turns an error answer into an {@link ApiException} an operator can act on. Both APIs send an {@code error} object:
 * the Robot {@code {"error":{"status":403,"code":"RATE_LIMIT_EXCEEDED","message":..,"max_request":50,
 * "interval":3600}}}, the Cloud {@code {"error":{"code":"rate_limit_exceeded","message":..,"details":{}}}} with
 * {@code RateLimit-Limit}, {@code RateLimit-Remaining} and {@code RateLimit-Reset} headers.
 */
final class ApiErrors {

    private static final int BODY_EXCERPT = 160;

    private ApiErrors() {
    }

    static ApiException of(String service, String what, ApiResponse r) {
        Object json = null;
        try {
            json = Json.parse(r.body());
        } catch (IllegalArgumentException e) {
            // not JSON (a proxy, a maintenance page): the excerpt below says what came
        }
        List<String> parts = new ArrayList<>();
        Optional<String> code = Json.text(json, "error", "code");
        Optional<String> message = Json.text(json, "error", "message");
        code.ifPresent(parts::add);
        message.ifPresent(m -> parts.add("\"" + m + "\""));
        Optional<Long> max = Json.number(json, "error", "max_request");
        Optional<Long> interval = Json.number(json, "error", "interval");
        if (max.isPresent()) {
            parts.add("rate limit: at most " + max.get() + " requests per " + interval.map(s -> s + " s").orElse("?"));
        }
        Optional<String> limit = r.headers().firstValue("RateLimit-Limit");
        if (limit.isPresent() && (r.status() == 429 || r.headers().firstValue("RateLimit-Remaining")
                .map("0"::equals).orElse(false))) {
            parts.add("rate limit: " + limit.get() + " requests per hour, "
                    + r.headers().firstValue("RateLimit-Remaining").orElse("?") + " left, refilled by "
                    + r.headers().firstValue("RateLimit-Reset").map(s -> "unix time " + s).orElse("?"));
        }
        if (code.isEmpty() && message.isEmpty()) {
            String body = r.body().strip().replaceAll("\\s+", " ");
            parts.add(body.isEmpty() ? "empty body"
                    : "body: " + (body.length() > BODY_EXCERPT ? body.substring(0, BODY_EXCERPT) + "..." : body));
        }
        return new ApiException(service + " answered " + r.status() + " " + reason(r.status()) + " to " + what + ": "
                + String.join("; ", parts) + hint(r.status()), r.status());
    }

    private static String reason(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 409 -> "Conflict";
            case 422 -> "Unprocessable Entity";
            case 423 -> "Locked";
            case 429 -> "Too Many Requests";
            case 500 -> "Internal Server Error";
            case 503 -> "Service Unavailable";
            default -> status >= 500 ? "(server error)" : "";
        };
    }

    private static String hint(int status) {
        return switch (status) {
            case 401 -> " (check the credentials; the Robot blocks an address for 10 minutes after 3 failed logins)";
            case 404 -> " (is the address one of this account's failover or floating IPs?)";
            case 429 -> " (rate limited: vip4j retries after retry-timeout)";
            default -> status >= 500 ? " (the API is failing or under maintenance; vip4j retries)" : "";
        };
    }
}
