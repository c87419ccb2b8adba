package org.vip4j.internal;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * {@code promote-check}: asks the local Patroni REST API whether this node's PostgreSQL already runs as primary, so
 * that the VIP does not send clients to a server that is still read-only. Off unless configured.
 *
 * <p>Internal: not part of the vip4j API.
 */
@FunctionalInterface
public interface PromoteCheck {

    /** True when the check answers 200 within {@code timeout}. */
    boolean isPrimary(Duration timeout) throws IOException;

    /** A check against {@code url} (e.g. {@code http://127.0.0.1:8008/primary}) with the JDK's HTTP client. */
    static PromoteCheck http(URI url) {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();
        return timeout -> {
            HttpRequest request = HttpRequest.newBuilder(url).timeout(timeout).GET().build();
            try {
                return client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("promote-check " + url + " interrupted", e);
            }
        };
    }
}
