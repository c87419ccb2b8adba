package org.vip4j.dcs.consul;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.vip4j.VipConfig;
import org.vip4j.dcs.consul.testing.ConsulDouble;
import org.vip4j.spi.DcsClient;
import org.vip4j.spi.DcsWatch;
import org.vip4j.spi.LeaderObservation;

/**
 * Measures the Consul watch against the in-process double (not a benchmark of Consul): how long from a write to the
 * sink seeing it, how long from the agent dying to Unreachable, how many requests an idle watch makes. Run with the
 * module's test class path: {@code java -cp ... org.vip4j.dcs.consul.ConsulWatchBench [changes]}.
 */
final class ConsulWatchBench {

    private ConsulWatchBench() {
    }

    public static void main(String[] args) throws Exception {
        int changes = args.length > 0 ? Integer.parseInt(args[0]) : 500;
        try (ConsulDouble consul = ConsulDouble.start()) {
            consul.put(ConsulTestConfigs.KEY, "n0");
            VipConfig config = ConsulTestConfigs.builder(consul.uri()).interval(Duration.ofSeconds(1))
                    .keepalivePeriod(Duration.ofSeconds(1)).build();
            LinkedBlockingQueue<LeaderObservation> seen = new LinkedBlockingQueue<>();
            try (DcsClient client = new ConsulDcsProvider().create(config);
                    DcsWatch w = client.watch(ConsulTestConfigs.KEY, seen::add)) {
                take(seen);
                List<Long> micros = new ArrayList<>();
                for (int i = 1; i <= changes; i++) {
                    consul.awaitBlocked(1, Duration.ofSeconds(5));
                    long t0 = System.nanoTime();
                    consul.put(ConsulTestConfigs.KEY, "n" + i);
                    LeaderObservation o = take(seen);
                    micros.add(TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - t0));
                    if (!(o instanceof LeaderObservation.Leader l) || !l.value().equals("n" + i)) {
                        throw new AssertionError("expected n" + i + ", got " + o);
                    }
                }
                Collections.sort(micros);
                System.out.printf("write -> delivery, %d changes: p50 %d us, p99 %d us, max %d us%n", changes,
                        micros.get(changes / 2), micros.get(changes * 99 / 100), micros.get(changes - 1));

                int before = consul.requests().size();
                long t0 = System.nanoTime();
                LeaderObservation extra = seen.poll(10, TimeUnit.SECONDS);
                double s = (System.nanoTime() - t0) / 1e9;
                System.out.printf("idle watch (interval 1 s): %d requests in %.1f s, %s delivered%n",
                        consul.requests().size() - before, s, extra == null ? "nothing" : extra);

                consul.awaitBlocked(1, Duration.ofSeconds(5));
                long down = System.nanoTime();
                consul.stop();
                LeaderObservation u = take(seen);
                System.out.printf("agent killed -> %s after %d ms%n", u.getClass().getSimpleName(),
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - down));
                long up = System.nanoTime();
                consul.restart();
                LeaderObservation back = take(seen);
                System.out.printf("agent back -> %s after %d ms%n", back, TimeUnit.NANOSECONDS.toMillis(
                        System.nanoTime() - up));

                consul.awaitBlocked(1, Duration.ofSeconds(5));
                long hung = System.nanoTime();
                consul.hang(true);
                LeaderObservation h = take(seen);
                System.out.printf("agent hung (accepts, never answers) -> %s after %d ms%n",
                        h.getClass().getSimpleName(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - hung));
                consul.hang(false);
            }
        }
    }

    private static LeaderObservation take(LinkedBlockingQueue<LeaderObservation> q) throws InterruptedException {
        LeaderObservation o = q.poll(10, TimeUnit.SECONDS);
        if (o == null) {
            throw new AssertionError("no observation within 10 s");
        }
        return o;
    }
}
