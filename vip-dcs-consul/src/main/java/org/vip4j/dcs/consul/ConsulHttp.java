package org.vip4j.dcs.consul;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads KV keys from one of several Consul agents over the documented HTTP API. Sticks to the endpoint that last
 * worked and moves to the next one on a connection error (refused, reset, timed out), within the caller's deadline.
 * The ACL token travels in the {@code X-Consul-Token} header only: never in a URL, a log line or a reason.
 */
final class ConsulHttp {

    private static final Logger LOG = LoggerFactory.getLogger(ConsulHttp.class);

    private final List<URI> endpoints;
    private final HttpClient http;
    private final Optional<String> token;
    private final AtomicInteger current = new AtomicInteger();

    ConsulHttp(List<URI> endpoints, HttpClient http, Optional<String> token) {
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("dcs-endpoints: at least one Consul endpoint is needed");
        }
        this.endpoints = List.copyOf(endpoints);
        this.http = http;
        this.token = token;
    }

    /**
     * One read of {@code key}. With {@code index > 0} it is a blocking query that Consul holds until the key's index
     * passes {@code index} or {@code wait} ends. Never completes exceptionally: failures become
     * {@link ConsulRead#failure}.
     *
     * @param deadlineNanos {@link System#nanoTime()} by which an answer must have come, over all endpoints tried
     */
    CompletableFuture<ConsulRead> read(String key, long index, Duration wait, boolean consistent, long deadlineNanos) {
        return attempt(key, index, wait, consistent, deadlineNanos, endpoints.size());
    }

    private CompletableFuture<ConsulRead> attempt(String key, long index, Duration wait, boolean consistent,
            long deadlineNanos, int triesLeft) {
        int at = current.get();
        URI base = endpoints.get(at);
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) {
            return CompletableFuture.completedFuture(ConsulRead.failure("no answer from Consul at " + base
                    + " before the deadline"));
        }
        HttpRequest request;
        try {
            request = request(base, key, index, wait, consistent, Duration.ofNanos(left));
        } catch (IllegalArgumentException e) {
            return CompletableFuture.completedFuture(ConsulRead.failure("bad Consul URL from " + base + ": "
                    + e.getMessage()));
        }
        CompletableFuture<HttpResponse<String>> sent;
        try {
            sent = http.sendAsync(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (RuntimeException e) { // e.g. the client's executor was shut down by close()
            return CompletableFuture.completedFuture(ConsulRead.failure("Consul client closed: " + e));
        }
        return sent.handle((response, error) -> {
            if (error == null) {
                return CompletableFuture.completedFuture(ConsulRead.of(base, response));
            }
            Throwable cause = unwrap(error);
            String reason = describe(cause);
            if (cause instanceof IOException && triesLeft > 1 && System.nanoTime() < deadlineNanos) {
                int next = (at + 1) % endpoints.size();
                if (current.compareAndSet(at, next)) {
                    LOG.warn("Consul endpoint {} failed ({}); switching to {}", base, reason, endpoints.get(next));
                }
                return attempt(key, index, wait, consistent, deadlineNanos, triesLeft - 1);
            }
            return CompletableFuture.completedFuture(ConsulRead.failure("Consul at " + base + ": " + reason));
        }).thenCompose(f -> f);
    }

    private HttpRequest request(URI base, String key, long index, Duration wait, boolean consistent,
            Duration timeout) {
        StringBuilder url = new StringBuilder()
                .append(base.getScheme()).append("://").append(base.getRawAuthority())
                .append("/v1/kv/").append(encodePath(key));
        String sep = "?";
        if (index > 0) {
            url.append(sep).append("index=").append(Long.toUnsignedString(index))
                    .append("&wait=").append(Math.max(1, wait.toMillis())).append("ms");
            sep = "&";
        }
        if (consistent) {
            url.append(sep).append("consistent");
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url.toString()))
                .timeout(timeout)
                .header("Accept", "application/json")
                .GET();
        token.ifPresent(t -> b.header("X-Consul-Token", t));
        return b.build();
    }

    /** Percent-encodes each path segment of a key, keeping the slashes that separate them. */
    static String encodePath(String key) {
        StringJoiner path = new StringJoiner("/");
        for (String segment : key.split("/", -1)) {
            path.add(URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20"));
        }
        return path.toString();
    }

    /** The failure inside the wrappers that futures put around it. */
    static Throwable unwrap(Throwable t) {
        Throwable c = t;
        while ((c instanceof CompletionException || c instanceof ExecutionException) && c.getCause() != null) {
            c = c.getCause();
        }
        return c;
    }

    private static String describe(Throwable t) {
        if (t instanceof HttpTimeoutException) {
            return "no answer in time (" + t.getMessage() + ")";
        }
        if (t instanceof ConnectException) {
            return "cannot connect (" + (t.getMessage() == null ? "refused or unreachable" : t.getMessage()) + ")";
        }
        String msg = t.getMessage();
        return t.getClass().getSimpleName() + (msg == null || msg.isBlank() ? "" : ": " + msg);
    }
}
