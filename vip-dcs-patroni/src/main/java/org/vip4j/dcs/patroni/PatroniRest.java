package org.vip4j.dcs.patroni;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.vip4j.spi.LeaderObservation;

/**
 * One {@code GET} of a Patroni REST endpoint ({@code /leader}, {@code /primary}, ...) turned into an observation.
 *
 * <p>Patroni answers {@code /leader} with 200 on the leader and 503 elsewhere. Any status Patroni itself gives is an
 * answer, reported as {@code Leader("<status>", 0)} and compared with {@code trigger-value} ({@code 200}) by the
 * manager, as vip-manager does. Statuses that say the question never reached a working Patroni are
 * {@link LeaderObservation.Unreachable}: 401/403/407 (credentials refused: a configuration error, not "follower"),
 * and 5xx other than 503 (a proxy's 502/504, a crashing handler), as are timeouts and connection errors.
 */
final class PatroniRest {

    private final HttpClient http;
    private final URI url;
    private final Duration timeout;
    private final Optional<String> authorization;

    PatroniRest(HttpClient http, URI url, Duration timeout, Optional<String> authorization) {
        this.http = http;
        this.url = url;
        this.timeout = timeout;
        this.authorization = authorization;
    }

    URI url() {
        return url;
    }

    /** One GET, never longer than {@code deadline} (nor the configured request timeout); never fails. */
    CompletableFuture<LeaderObservation> get(Duration deadline) {
        Duration t = deadline.compareTo(timeout) < 0 ? deadline : timeout;
        if (t.isZero() || t.isNegative()) {
            return CompletableFuture.completedFuture(new LeaderObservation.Unreachable("no time left to ask Patroni"));
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(url).timeout(t).GET();
        authorization.ifPresent(a -> b.header("Authorization", a));
        CompletableFuture<HttpResponse<Void>> sent;
        try {
            sent = http.sendAsync(b.build(), HttpResponse.BodyHandlers.discarding());
        } catch (RuntimeException e) { // the client's executor was shut down by close()
            return CompletableFuture.completedFuture(new LeaderObservation.Unreachable("Patroni client closed"));
        }
        return sent.handle((response, error) -> error == null ? observe(url, response.statusCode())
                        : new LeaderObservation.Unreachable("Patroni REST API at " + url + ": " + describe(error)))
                .completeOnTimeout(new LeaderObservation.Unreachable("Patroni REST API at " + url
                        + ": no answer within " + t.toMillis() + " ms"), t.toMillis(), TimeUnit.MILLISECONDS);
    }

    static LeaderObservation observe(URI url, int status) {
        if (status == 401 || status == 403 || status == 407) {
            return new LeaderObservation.Unreachable("Patroni REST API at " + url + " refused our credentials (HTTP "
                    + status + "): check etcd-user/etcd-password");
        }
        if (status >= 500 && status != 503) {
            return new LeaderObservation.Unreachable("Patroni REST API at " + url + " failed with HTTP " + status);
        }
        return new LeaderObservation.Leader(String.valueOf(status), 0L);
    }

    private static String describe(Throwable error) {
        Throwable t = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (t instanceof HttpTimeoutException) {
            return "no answer within " + timeoutText(t);
        }
        if (t instanceof ConnectException) {
            return "cannot connect (" + (t.getMessage() == null ? "refused or unreachable" : t.getMessage()) + ")";
        }
        if (t instanceof IOException) {
            return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
        }
        return String.valueOf(t);
    }

    private static String timeoutText(Throwable t) {
        return t.getMessage() == null ? "the deadline" : "the deadline (" + t.getMessage() + ")";
    }
}
