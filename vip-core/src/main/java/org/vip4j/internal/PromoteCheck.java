package org.vip4j.internal;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * {@code promote-check}: asks the local Patroni REST API whether this node's PostgreSQL already runs as primary, so
 * that the VIP does not send clients to a server that is still read-only. Off unless configured.
 *
 * <p>Internal: not part of the vip4j API.
 */
@FunctionalInterface
public interface PromoteCheck {

    /**
     * Completes with true when the check answers 200 within {@code timeout}, false on any other status, and
     * exceptionally when it cannot be asked (refused, timed out). Never blocks the caller.
     */
    CompletableFuture<Boolean> isPrimary(Duration timeout);

    /** A check against {@code url} (e.g. {@code http://127.0.0.1:8008/primary}) with the JDK's HTTP client. */
    static PromoteCheck http(URI url) {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();
        return timeout -> {
            HttpRequest request = HttpRequest.newBuilder(url).timeout(timeout).GET().build();
            return client.sendAsync(request, HttpResponse.BodyHandlers.discarding())
                    .thenApply(r -> r.statusCode() == 200);
        };
    }
}
