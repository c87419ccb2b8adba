package org.vip4j.dcs.patroni;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vip4j.spi.DcsClient;
import org.vip4j.spi.DcsWatch;
import org.vip4j.spi.LeaderObservation;

/** A {@link DcsClient} that asks one Patroni REST API: the "key" is the path ({@code /leader}, {@code /primary}). */
final class PatroniClient implements DcsClient {

    private static final Logger LOG = LoggerFactory.getLogger(PatroniClient.class);

    private final HttpClient http;
    private final ExecutorService executor;
    private final URI endpoint;
    private final Duration interval;
    private final Duration timeout;
    private final Optional<String> authorization;
    private final Set<PatroniPoll> polls = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /**
     * @param interval poll period
     * @param timeout  deadline of one poll: a Patroni that does not answer within it is unreachable
     */
    PatroniClient(HttpClient http, ExecutorService executor, URI endpoint, Duration interval, Duration timeout,
            Optional<String> authorization) {
        this.http = http;
        this.executor = executor;
        this.endpoint = endpoint;
        this.interval = interval;
        this.timeout = timeout;
        this.authorization = authorization;
    }

    @Override
    public DcsWatch watch(String key, Consumer<LeaderObservation> sink) {
        if (closed) {
            throw new IllegalStateException("Patroni client is closed");
        }
        PatroniRest rest = rest(key);
        LOG.info("polling Patroni REST API {} every {} ms (deadline {} ms)", rest.url(), interval.toMillis(),
                timeout.toMillis());
        PatroniPoll[] self = new PatroniPoll[1];
        self[0] = new PatroniPoll(rest, sink, interval, timeout, executor, () -> polls.remove(self[0]));
        polls.add(self[0]);
        return self[0].start();
    }

    @Override
    public CompletableFuture<LeaderObservation> confirm(String key, Duration timeout) {
        if (closed) {
            return CompletableFuture.completedFuture(new LeaderObservation.Unreachable("Patroni client is closed"));
        }
        return rest(key).get(timeout);
    }

    /** vip-manager's URL: the endpoint followed by the trigger key, e.g. {@code http://127.0.0.1:8008/leader}. */
    private PatroniRest rest(String key) {
        String base = endpoint.toString();
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        String path = key.startsWith("/") ? key : "/" + key;
        URI url;
        try {
            url = URI.create(base + path);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("trigger-key=" + key + ": not a URL path for Patroni's REST API ("
                    + e.getMessage() + ")", e);
        }
        return new PatroniRest(http, url, timeout, authorization);
    }

    /** Each Patroni answers for its own node only: a 503 here names nobody. */
    @Override
    public boolean namesTheLeader() {
        return false;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (PatroniPoll p : polls) {
            p.close();
        }
        executor.shutdownNow();
    }
}
