package org.vip4j.dcs.etcd;

import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.vip4j.VipConfig;
import org.vip4j.testing.etcd.EtcdExtension;
import org.vip4j.spi.DcsClient;
import org.vip4j.spi.DcsWatch;
import org.vip4j.spi.LeaderObservation;

/**
 * Benchmark: key write → observation delivered by the etcd client, over many writes against a local etcd, and the
 * requests an idle, healthy watch costs per minute (counted by etcd itself, from its /metrics). Prints Markdown.
 * Run with {@code vip-dcs-etcd/bench.sh [writes] [idle-seconds]}.
 */
public final class EtcdWatchBench {

    private record Timed(String value, long nanos) {
    }

    private EtcdWatchBench() {
    }

    public static void main(String[] args) throws Exception {
        int writes = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int idleSeconds = args.length > 1 ? Integer.parseInt(args[1]) : 60;
        EtcdExtension etcd = EtcdExtension.single();
        etcd.beforeAll(null);
        String key = "/service/bench/leader";
        try {
            VipConfig cfg = VipConfig.builder().ip(InetAddress.getByName("198.51.100.100")).netmask(24)
                    .interfaceName("eth0").triggerKey(key).triggerValue("n1").set("dcs-endpoints", etcd.endpoints())
                    .build(); // production defaults: interval 1 s, keepalive-period 1 s
            BlockingQueue<Timed> seen = new LinkedBlockingQueue<>();
            etcd.put(key, "warm");
            try (DcsClient client = new EtcdDcsClientProvider().create(cfg);
                 DcsWatch w = client.watch(key, o -> {
                     if (o instanceof LeaderObservation.Leader l) {
                         seen.add(new Timed(l.value(), System.nanoTime()));
                     }
                 })) {
                awaitValue(seen, "warm");
                for (int i = 0; i < 200; i++) { // JIT warm-up, not measured
                    etcd.put(key, "w" + i);
                    awaitValue(seen, "w" + i);
                }
                List<Long> micros = new ArrayList<>();
                for (int i = 0; i < writes; i++) {
                    String v = "v" + i;
                    long start = System.nanoTime();
                    etcd.put(key, v);
                    micros.add((awaitValue(seen, v) - start) / 1_000);
                }
                Collections.sort(micros);
                double before = rangeRequests(etcd.endpoints());
                long streamBefore = etcd.received("Watch");
                TimeUnit.SECONDS.sleep(idleSeconds);
                double after = rangeRequests(etcd.endpoints());
                double streamPerMinute = (etcd.received("Watch") - streamBefore) * 60.0 / idleSeconds;
                double perMinute = (after - before) * 60.0 / idleSeconds;
                System.out.println("| measure | value |");
                System.out.println("|---|---|");
                System.out.printf("| key write → observation, writes | %d |%n", writes);
                System.out.printf("| p50 | %.2f ms |%n", pct(micros, 50) / 1000.0);
                System.out.printf("| p90 | %.2f ms |%n", pct(micros, 90) / 1000.0);
                System.out.printf("| p99 | %.2f ms |%n", pct(micros, 99) / 1000.0);
                System.out.printf("| max | %.2f ms |%n", micros.get(micros.size() - 1) / 1000.0);
                System.out.printf("| idle Range (read) requests per minute, healthy watch, interval 1 s | %.0f |%n",
                        perMinute);
                System.out.printf("| idle messages per minute on the watch's stream (progress requests) | %.0f |%n",
                        streamPerMinute);
            }
        } finally {
            etcd.afterAll(null);
        }
    }

    private static long awaitValue(BlockingQueue<Timed> seen, String value) throws InterruptedException {
        while (true) {
            Timed t = seen.poll(10, TimeUnit.SECONDS);
            if (t == null) {
                throw new IllegalStateException("no observation of " + value + " within 10 s");
            }
            if (t.value().equals(value)) {
                return t.nanos();
            }
        }
    }

    private static long pct(List<Long> sorted, int p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }

    /** etcd's own count of served Range calls (reads), from its Prometheus metrics. */
    private static double rangeRequests(String endpoint) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(endpoint + "/metrics")).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
        double total = 0;
        for (String line : r.body().lines().toList()) {
            if (line.startsWith("grpc_server_handled_total") && line.contains("grpc_method=\"Range\"")) {
                total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return total;
    }
}
