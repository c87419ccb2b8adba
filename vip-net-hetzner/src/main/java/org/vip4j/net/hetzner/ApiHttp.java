package org.vip4j.net.hetzner;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * One Hetzner API over the JDK's HttpClient: every call ends by its deadline (a {@link System#nanoTime()} instant),
 * answered or not. The authorization header value is a secret: it goes on the wire only, never into a message or
 * {@link #toString()}.
 */
final class ApiHttp {

    private final String service;
    private final URI base;
    private final HttpClient http;
    private final String authorization;

    ApiHttp(String service, URI base, HttpClient http, String authorization) {
        this.service = service;
        this.base = base;
        this.http = http;
        this.authorization = authorization;
    }

    static HttpClient client(Duration connectTimeout) {
        return HttpClient.newBuilder()
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER) // a redirect would carry the credentials elsewhere
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    String service() {
        return service;
    }

    /**
     * Sends one request and returns whatever status came back; only a missing answer (refused, reset, timed out,
     * interrupted) is an exception.
     *
     * @param body null for none
     */
    ApiResponse send(String method, String path, String contentType, String body, long deadlineNanos)
            throws IOException {
        String what = method + " " + path;
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) {
            throw new ApiException(service + ": no time left for " + what + " (takeover-timeout)", 0);
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(resolve(path))
                .timeout(Duration.ofNanos(left))
                .header("Accept", "application/json")
                .header("Authorization", authorization);
        if (body == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("Content-Type", contentType).method(method, HttpRequest.BodyPublishers.ofString(body,
                    StandardCharsets.UTF_8));
        }
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new ApiResponse(r.statusCode(), r.body(), r.headers());
        } catch (HttpTimeoutException e) {
            throw new ApiException(service + " did not answer " + what + " within "
                    + TimeUnit.NANOSECONDS.toMillis(left) + " ms (takeover-timeout)", 0);
        } catch (IOException e) {
            throw new ApiException(service + " at " + base + " unreachable for " + what + ": "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), 0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(service + ": " + what + " interrupted (abandoned at takeover-timeout)", 0);
        }
    }

    private URI resolve(String path) {
        String b = base.toString();
        return URI.create((b.endsWith("/") ? b.substring(0, b.length() - 1) : b) + path);
    }

    @Override
    public String toString() {
        return service + " at " + base;
    }
}
