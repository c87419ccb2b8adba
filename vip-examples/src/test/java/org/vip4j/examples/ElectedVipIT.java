package org.vip4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An elected VIP beside a followed one, three launchers in the namespace lab, one process and one etcd connection per
 * node: {@code vips:} holds the primary VIP .100 (following {@link Lab#KEY}) and the elected VIP .101 (election key
 * {@value #ELECTION_KEY}, health check: a command that fails while the node's "down" file exists). Every node runs
 * the defaults a user gets (handover-grace 250 ms, election-ttl 3 s, keepalive-period 1 s), so a planned move is
 * make-before-break on real ARP. Through resigns, no candidate, a holder cut off from etcd and a holder dead: one
 * holder at rest, the cut-off holder gone before another takes over, the primary VIP never moved; the status server
 * says when an elected VIP has no holder and whether this node is a candidate. About a minute.
 */
class ElectedVipIT {

    private static final String PRIMARY = Lab.VIP;
    private static final String ELECTED = "198.51.100.101";
    private static final String ELECTION_KEY = "/vip4j/e2e/replica-vip";
    private static final long TTL_MS = 3_000;
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String STATUS = "127.0.0.1:9180";

    @Test
    void oneHolderThroughResignsACutOffHolderAndADeadOne() throws Exception {
        try (Lab lab = Lab.up()) {
            for (int n = 1; n <= 3; n++) {
                start(lab, n);
            }
            for (int n = 1; n <= 3; n++) {
                lab.awaitStarted(n);
            }
            lab.put("n1");
            Lab.await(() -> lab.holds(1, PRIMARY), WAIT, () -> "n1 does not hold the primary VIP: " + lab.log(1));
            int holder = awaitOneHolder(lab, List.of(1, 2, 3));

            // resign: the holder's check fails; another holds, the old one lets go (make-before-break, real ARP)
            for (int i = 0; i < 3; i++) {
                int old = holder;
                long t0 = System.nanoTime();
                Files.writeString(down(lab, old), "down");
                holder = awaitOneHolder(lab, others(old));
                long movedMs = (System.nanoTime() - t0) / 1_000_000;
                Lab.await(() -> !lab.holds(old, ELECTED), Duration.ofMillis(500), () -> "n" + old + " kept the VIP");
                System.out.printf("elected VIP: n%d's check failed, n%d held it %d ms after the file was written "
                        + "(health-interval 200 ms, fall 1)%n", old, holder, movedMs);
                Files.delete(down(lab, old));
            }

            // no candidate: no holder; one back: it holds
            for (int n = 1; n <= 3; n++) {
                Files.writeString(down(lab, n), "down");
            }
            // every node has seen its own check fail (a node whose last check passed just before its file was
            // written may still win the key once, for one interval): only then is "no holder" the steady state
            String eligible = "vip4j_eligible{vip=\"" + ELECTED + "/24\",interface=\"eth0\"} ";
            for (int n = 1; n <= 3; n++) {
                int node = n;
                Lab.await(() -> status(lab, node, "/metrics").contains(eligible + "0"), WAIT,
                        () -> "n" + node + " still a candidate: " + status(lab, node, "/metrics"));
            }
            Lab.await(() -> holdersOf(lab).isEmpty(), WAIT, () -> "still held with no candidate");
            Lab.await(() -> status(lab, 1, "/health").contains(ELECTED + "/24: elected VIP without a holder; this node "
                    + "is not a candidate"), WAIT, () -> "n1's /health: " + status(lab, 1, "/health"));
            Files.delete(down(lab, 2));
            assertThat(awaitOneHolder(lab, List.of(1, 2, 3))).isEqualTo(2);
            // listeners (the metrics among them) hear of the election on their own threads, moments later
            Lab.await(() -> status(lab, 2, "/metrics").contains(eligible + "1"), WAIT,
                    () -> "n2's /metrics: " + status(lab, 2, "/metrics"));
            assertThat(status(lab, 2, "/state")).contains("\"election\":{\"eligible\":true}");
            Lab.await(() -> !status(lab, 1, "/health").contains("without a holder"), WAIT,
                    () -> "n1's /health after n2 was elected: " + status(lab, 1, "/health"));
            Files.delete(down(lab, 1));
            Files.delete(down(lab, 3));
            Thread.sleep(1_000); // eligible again, n2 keeps it: no preemption without a better rank
            assertThat(holdersOf(lab)).containsExactly(2);

            // the holder's cable pulled, its process alive: it lets go before its lease can end; then one other holds
            long cut = System.nanoTime();
            lab.control("cut", "2");
            long released = 0;
            long taken = 0;
            int next = 0;
            while (System.nanoTime() - cut < WAIT.toNanos() && taken == 0) {
                boolean old = lab.holds(2, ELECTED);
                if (!old && released == 0) {
                    released = System.nanoTime();
                }
                for (int n : List.of(1, 3)) {
                    if (lab.holds(n, ELECTED)) {
                        taken = System.nanoTime();
                        next = n;
                        assertThat(old).as("n%d holds while the cut-off n2 still does", n).isFalse();
                    }
                }
            }
            assertThat(taken).as("another node took over").isPositive();
            System.out.printf("elected VIP: n2 cut off from etcd released it %d ms after the cut; n%d held it %d ms "
                    + "after the cut (election-ttl %d ms)%n", (released - cut) / 1_000_000, next,
                    (taken - cut) / 1_000_000, TTL_MS);
            assertThat(released).as("n2 let go before the next holder added").isLessThan(taken);
            assertThat((released - cut) / 1_000_000).as("released within the TTL").isLessThan(TTL_MS);
            lab.control("heal", "2");
            Thread.sleep(2_000);
            assertThat(holdersOf(lab)).as("n2 back: a candidate, not a second holder").containsExactly(next);

            // the holder dead: its launcher killed and its cable pulled (a host gone)
            int dead = next;
            lab.control("cut", String.valueOf(dead));
            lab.node(dead).destroyForcibly().waitFor();
            long died = System.nanoTime();
            int heir = lab.awaitSoleHolder(ELECTED, others(dead), WAIT);
            long tookMs = (System.nanoTime() - died) / 1_000_000;
            System.out.printf("elected VIP: n%d dead, n%d held it %d ms later (election-ttl %d ms; etcd ends an "
                    + "expired lease at its next check, up to 500 ms later)%n", dead, heir, tookMs, TTL_MS);
            // etcd 3.4 looks for expired leases every 500 ms: the key goes up to that long after the TTL
            assertThat(tookMs).as("dead holder -> another holds (ms)").isLessThanOrEqualTo(TTL_MS + 600);
            assertThat(lab.holds(1, PRIMARY)).as("the primary VIP stayed on n1 throughout").isTrue();
            assertThat(lab.holds(2, PRIMARY) || lab.holds(3, PRIMARY)).isFalse();
        }
    }

    private static void start(Lab lab, int n) throws Exception {
        Path file = Files.writeString(lab.logs().resolve("n" + n + "-elected.yml"), String.join("\n",
                "dcs-endpoints: http://198.51.100.10:2379", "interface: eth0", "netmask: 24",
                "trigger-value: n" + n, "vips:",
                "  - {ip: " + PRIMARY + ", trigger-key: " + Lab.KEY + "}",
                "  - {ip: " + ELECTED + ", trigger-key: " + ELECTION_KEY + ", election: true, health-check: \"exec:test"
                        + " ! -e " + down(lab, n) + "\", health-interval: 200ms, health-timeout: 200ms}", ""));
        lab.startNode(n, false, "--config", file.toString(), "--status-address", STATUS);
    }

    /** GET {@code path} of node {@code n}'s status server, from inside its namespace; the error when it fails. */
    private static String status(Lab lab, int n, String path) {
        try {
            Process p = new ProcessBuilder("ip", "netns", "exec", lab.name() + "-n" + n, "curl", "-s", "--max-time",
                    "2", "http://" + STATUS + path).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            p.waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
            return out;
        } catch (java.io.IOException e) {
            return e.toString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return e.toString();
        }
    }

    private static Path down(Lab lab, int n) {
        return lab.logs().resolve("n" + n + ".down");
    }

    private static List<Integer> others(int n) {
        List<Integer> out = new ArrayList<>(List.of(1, 2, 3));
        out.remove(Integer.valueOf(n));
        return out;
    }

    private static List<Integer> holdersOf(Lab lab) throws Exception {
        List<Integer> out = new ArrayList<>();
        for (int n = 1; n <= 3; n++) {
            if (lab.holds(n, ELECTED)) {
                out.add(n);
            }
        }
        return out;
    }

    /** Waits until exactly one node holds the elected VIP and it is one of {@code among}. */
    private static int awaitOneHolder(Lab lab, List<Integer> among) throws Exception {
        Lab.await(() -> {
            List<Integer> h = holdersOf(lab);
            return h.size() == 1 && among.contains(h.get(0));
        }, WAIT, () -> {
            try {
                return "holders of " + ELECTED + ": " + holdersOf(lab) + ", wanted one of " + among;
            } catch (Exception e) {
                return e.toString();
            }
        });
        return holdersOf(lab).get(0);
    }
}
