package org.vip4j.dcs.consul;

import java.net.URI;
import java.net.http.HttpClient;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vip4j.VipConfig;
import org.vip4j.spi.DcsClient;
import org.vip4j.spi.DcsClientProvider;
import org.vip4j.spi.PemTls;

/**
 * {@code dcs-type: consul}: follows the leader key in Consul's KV store over its HTTP API.
 *
 * <p>Uses {@code dcs-endpoints} (several agents: the next one is tried on a connection error),
 * {@code consul-token} (sent as {@code X-Consul-Token}), {@code interval} (the blocking query's {@code wait}, hence
 * the re-read period) and {@code keepalive-period} (deadline of plain reads, cap of the retry backoff). For https
 * endpoints the server certificate is checked against {@code etcd-ca-file} when set, else the JVM's trust store;
 * {@code etcd-cert-file}/{@code etcd-key-file} add a client certificate (Consul's {@code verify_incoming}).
 */
public final class ConsulDcsProvider implements DcsClientProvider {

    private static final Logger LOG = LoggerFactory.getLogger(ConsulDcsProvider.class);

    @Override
    public String type() {
        return "consul";
    }

    @Override
    public DcsClient create(VipConfig config) {
        List<URI> endpoints = config.dcsEndpoints();
        boolean https = false;
        for (URI e : endpoints) {
            String scheme = e.getScheme() == null ? "" : e.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https") || e.getRawAuthority() == null) {
                throw new IllegalArgumentException("dcs-endpoints=" + e + ": a Consul endpoint must be "
                        + "http://host:port or https://host:port");
            }
            https |= scheme.equals("https");
        }
        SSLContext tls = null;
        if (https) {
            tls = PemTls.context(config.etcdCaFile(), config.etcdCertFile(), config.etcdKeyFile(), "etcd-ca-file",
                    "etcd-cert-file", "etcd-key-file");
            LOG.info("Consul over https: server certificate checked against {}{}",
                    config.etcdCaFile().map(p -> "etcd-ca-file " + p).orElse("the JVM trust store"),
                    config.etcdCertFile().map(p -> ", client certificate " + p).orElse(""));
        }
        Duration keepalive = positive(config.keepalivePeriod(), Duration.ofSeconds(1));
        Duration wait = positive(config.interval(), Duration.ofSeconds(1));
        // two threads whatever the number of keys: nothing on them blocks (the watches chain their queries from
        // callbacks, the JDK client's selector thread waits on the sockets), and a cached pool would keep one
        // thread per key, the answers of blocking queries started together arriving together
        ExecutorService executor = Executors.newFixedThreadPool(2, daemonThreads());
        HttpClient http = HttpClient.newBuilder()
                .executor(executor)
                .connectTimeout(keepalive)
                .followRedirects(HttpClient.Redirect.NEVER)
                // plain HTTP/1.1: no h2c upgrade dance with the agent
                .version(HttpClient.Version.HTTP_1_1)
                .sslContext(tls == null ? defaultContext() : tls)
                .build();
        LOG.info("Consul client for {} (ACL token: {})", endpoints, config.consulToken().isPresent() ? "set" : "none");
        return new ConsulClient(new ConsulHttp(endpoints, http, config.consulToken()), executor, wait, keepalive);
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

    private static ThreadFactory daemonThreads() {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "vip4j-consul-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
