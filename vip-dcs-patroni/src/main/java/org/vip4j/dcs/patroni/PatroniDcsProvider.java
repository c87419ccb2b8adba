package org.vip4j.dcs.patroni;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vip4j.VipConfig;
import org.vip4j.spi.DcsClient;
import org.vip4j.spi.DcsClientProvider;
import org.vip4j.spi.PemTls;

/**
 * {@code dcs-type: patroni}: polls the local Patroni's REST API, as vip-manager does:
 * {@code GET <endpoint><trigger-key>} (e.g. {@code http://127.0.0.1:8008/leader}, or {@code /primary}) every
 * {@code interval}, each with a deadline of {@code keepalive-period}; the HTTP status is the value compared with
 * {@code trigger-value} (default {@code 200}).
 *
 * <p>Only the first of {@code dcs-endpoints} is used: each Patroni answers for its own node, so another node's API
 * is no fallback. For https the server certificate is checked against {@code etcd-ca-file} (else the JVM trust
 * store) and {@code etcd-cert-file}/{@code etcd-key-file} give a client certificate, the files vip-manager uses for
 * this type too; {@code etcd-user}/{@code etcd-password}, when set, are sent as HTTP basic auth.
 */
public final class PatroniDcsProvider implements DcsClientProvider {

    private static final Logger LOG = LoggerFactory.getLogger(PatroniDcsProvider.class);

    @Override
    public String type() {
        return "patroni";
    }

    @Override
    public DcsClient create(VipConfig config) {
        List<URI> endpoints = config.dcsEndpoints();
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("dcs-endpoints: the Patroni REST API URL is needed, e.g. "
                    + "http://127.0.0.1:8008");
        }
        URI endpoint = endpoints.get(0);
        String scheme = endpoint.getScheme() == null ? "" : endpoint.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || endpoint.getRawAuthority() == null) {
            throw new IllegalArgumentException("dcs-endpoints=" + endpoint + ": the Patroni REST API must be "
                    + "http://host:port or https://host:port");
        }
        if (endpoints.size() > 1) {
            LOG.warn("dcs-endpoints lists {} URLs; dcs-type patroni uses only the first, {}: another node's REST "
                    + "API describes that node, not this one", endpoints.size(), endpoint);
        }
        SSLContext tls = defaultContext();
        if (scheme.equals("https")) {
            tls = PemTls.context(config.etcdCaFile(), config.etcdCertFile(), config.etcdKeyFile(), "etcd-ca-file",
                    "etcd-cert-file", "etcd-key-file");
            LOG.info("Patroni over https: server certificate checked against {}{}",
                    config.etcdCaFile().map(p -> "etcd-ca-file " + p).orElse("the JVM trust store"),
                    config.etcdCertFile().map(p -> ", client certificate " + p).orElse(""));
        }
        Optional<String> auth = Optional.empty();
        if (config.etcdUser().isPresent() && config.etcdPassword().isPresent()) {
            String pair = config.etcdUser().get() + ":" + config.etcdPassword().get();
            auth = Optional.of("Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
            LOG.info("Patroni REST API: basic auth as user '{}'", config.etcdUser().get());
        }
        Duration timeout = positive(config.keepalivePeriod(), Duration.ofSeconds(1));
        Duration interval = positive(config.interval(), Duration.ofSeconds(1));
        AtomicInteger n = new AtomicInteger();
        // two threads however many are polled: nothing on them blocks (each poll schedules the next from its
        // answer), where a cached pool would keep about one per endpoint polled in step
        ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "vip4j-patroni-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        HttpClient http = HttpClient.newBuilder()
                .executor(executor)
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1)
                .sslContext(tls)
                .build();
        return new PatroniClient(http, executor, endpoint, interval, timeout, auth);
    }

    private static Duration positive(Duration d, Duration fallback) {
        return d == null || d.isZero() || d.isNegative() ? fallback : d;
    }

    private static SSLContext defaultContext() {
        try {
            return SSLContext.getDefault();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no default TLS context", e);
        }
    }
}
