package org.vip4j.examples;

import java.util.EnumMap;
import java.util.Map;
import org.vip4j.VipEvent;
import org.vip4j.VipListener;
import org.vip4j.VipManager;
import org.vip4j.VipState;

/** One VIP's figures for /state and /metrics, kept up to date by its events. */
final class VipMetrics implements VipListener {

    private final VipManager manager;
    private final Map<VipEvent.Kind, Long> transitions = new EnumMap<>(VipEvent.Kind.class);
    private volatile String leader;
    private volatile boolean holding;
    private volatile long acquiringSince;
    private volatile double lastFailoverSeconds = Double.NaN;
    private volatile long dcsErrors;
    /** Elected VIPs only: whether this node's health check makes it a candidate. */
    private volatile boolean eligible;

    VipMetrics(VipManager manager) {
        this.manager = manager;
    }

    @Override
    public void onEvent(VipEvent e) {
        synchronized (transitions) {
            transitions.merge(e.kind(), 1L, Long::sum);
        }
        leader = e.leader();
        holding = e.holding();
        if (e.to() == VipState.ACQUIRING && e.from() != VipState.ACQUIRING) {
            acquiringSince = System.nanoTime();
        }
        if (e.kind() == VipEvent.Kind.ACQUIRED && acquiringSince != 0) {
            lastFailoverSeconds = (System.nanoTime() - acquiringSince) / 1e9;
        }
        if (e.kind() == VipEvent.Kind.DCS_LOST) {
            dcsErrors++;
        }
        switch (e.kind()) {
            case ELIGIBLE -> eligible = true;
            case INELIGIBLE, RESIGNED -> eligible = false;
            default -> { }
        }
    }

    /**
     * For /health's body: an elected VIP that nobody holds while this node cannot be a candidate (the others' health
     * is theirs to tell), else null.
     */
    String note() {
        if (!manager.config().election() || eligible || leader != null) {
            return null;
        }
        String fallback = manager.config().fallbackCheck();
        return manager.config().virtualAddress().cidr() + ": elected VIP without a holder; this node is not a "
                + "candidate (health-check " + manager.config().healthCheck() + (fallback.equals("none") ? ""
                : " and fallback-check " + fallback) + " failing)";
    }

    VipManager manager() {
        return manager;
    }

    boolean healthy() {
        return manager.isRunning() && manager.state() != VipState.DCS_LOST;
    }

    String json() {
        var vip = manager.config().virtualAddress();
        return String.format("{\"vip\":\"%s\",\"interface\":\"%s\",\"node\":\"%s\",\"state\":\"%s\","
                        + "\"leader\":%s,\"holding\":%s,\"running\":%s%s}",
                vip.cidr(), vip.interfaceName(), esc(manager.config().triggerValue()), manager.state(),
                leader == null ? "null" : "\"" + esc(leader) + "\"", holding, manager.isRunning(),
                manager.config().election() ? ",\"election\":{\"eligible\":" + eligible + "}" : "");
    }

    void prometheus(StringBuilder out) {
        String labels = "vip=\"" + manager.config().virtualAddress().cidr() + "\",interface=\""
                + manager.config().interfaceName() + "\"";
        for (VipState s : VipState.values()) {
            out.append("vip4j_state{").append(labels).append(",state=\"").append(s).append("\"} ")
                    .append(manager.state() == s ? 1 : 0).append('\n');
        }
        out.append("vip4j_holding{").append(labels).append("} ").append(holding ? 1 : 0).append('\n');
        if (manager.config().election()) {
            out.append("vip4j_eligible{").append(labels).append("} ").append(eligible ? 1 : 0).append('\n');
        }
        synchronized (transitions) {
            transitions.forEach((k, n) -> out.append("vip4j_events_total{").append(labels).append(",kind=\"")
                    .append(k).append("\"} ").append(n).append('\n'));
        }
        if (!Double.isNaN(lastFailoverSeconds)) {
            out.append("vip4j_last_acquisition_seconds{").append(labels).append("} ")
                    .append(String.format("%.6f", lastFailoverSeconds)).append('\n');
        }
        out.append("vip4j_dcs_lost_total{").append(labels).append("} ").append(dcsErrors).append('\n');
    }

    private static String esc(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
