package org.vip4j.internal;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.vip4j.VipConfig;
import org.vip4j.VipEvent.Kind;
import org.vip4j.VipState;
import org.vip4j.spi.DcsClient;
import org.vip4j.spi.DcsElections;
import org.vip4j.spi.DcsWatch;
import org.vip4j.spi.LeaderObservation;

/**
 * Runs one node's {@link Campaign} for an elected VIP: the health checks, the DCS calls the campaign asks for, its
 * deadlines; and shows the VIP's manager the election key through {@link #gate()}, in which the key names this node
 * only while the campaign holds it. So the manager's state machine, unchanged, gives an elected VIP every guarantee
 * a followed key has (linearizable confirmation, make-before-break, reconcile, release on close), and lets it go
 * when the hold ends, before the lease can end on the server.
 *
 * <p>Everything runs on a strand of the runtime's decision workers; calls and checks complete on other threads and
 * come back as tasks. Internal: not part of the vip4j API.
 */
public final class Election implements AutoCloseable {

    private final VipConfig config;
    private final String key;
    private final String me;
    private final DcsClient dcs;
    private final DcsElections elections;
    private final Ticker ticker;
    private final RuntimeThreads threads;
    private final SerialExecutor strand;
    private final Transitions transitions;
    private final Supplier<VipState> managerState;
    private final HealthCheck check;
    /** Null when there is no fallback-check. */
    private final HealthCheck fallbackCheck;
    private final String requestKey;
    private final Campaign campaign;
    private final Duration callTimeout;

    // strand-only
    private LeaderObservation raw;
    private LeaderObservation shown;
    private Consumer<LeaderObservation> sink;
    private DcsWatch rawWatch;
    private DcsWatch requestWatch;
    private ScheduledFuture<?> wake;
    private long wakeAt = Campaign.NEVER;
    private ScheduledFuture<?> checks;
    private boolean checkRunning;
    private boolean closed;
    /** The campaign's hold, for confirmations answered on the DCS's threads; 0 = not holding. */
    private volatile long holdUntil;

    public Election(VipConfig config, DcsClient dcs, DcsElections elections, Ticker ticker, RuntimeThreads threads,
                    Transitions transitions, Supplier<VipState> managerState) {
        this.config = config;
        this.key = config.triggerKey();
        this.me = config.triggerValue();
        this.dcs = dcs;
        this.elections = Objects.requireNonNull(elections, "elections");
        this.ticker = ticker;
        this.threads = threads;
        this.strand = new SerialExecutor(threads.decisions());
        this.transitions = transitions;
        this.managerState = managerState;
        this.check = HealthCheck.parse(config.healthCheck());
        HealthCheck fallback = HealthCheck.parse(config.fallbackCheck());
        this.fallbackCheck = fallback.spec().equals("none") ? null : fallback;
        this.requestKey = requestKey(key);
        long margin = config.handoverGrace().plus(ElectionRules.SAFETY).toMillis();
        this.campaign = new Campaign(me, config.electionTtl().toMillis(), config.keepalivePeriod().toMillis(), margin,
                config.retryTimeout().toMillis(), config.healthRise(), config.healthFall(),
                config.electionHoldDown().toMillis(), config.fallbackDelay().toMillis());
        this.callTimeout = config.keepalivePeriod();
    }

    /** Where a preferred node asks a fallback holder of {@code electionKey} to give way. */
    static String requestKey(String electionKey) {
        return electionKey + ".preempt";
    }

    /** The election key as the manager must see it: naming this node only while this node holds it. */
    public DcsClient gate() {
        return new Gate();
    }

    /** Starts watching the key and checking health. */
    public void start() {
        strand.execute(() -> {
            rawWatch = dcs.watch(key, obs -> strand.execute(() -> step(() -> campaign.onObservation(obs,
                    ticker.millis()), obs)));
            requestWatch = dcs.watch(requestKey, obs -> strand.execute(() -> step(() ->
                    campaign.onRequestObservation(obs, ticker.millis()), null)));
            if (check.spec().equals("none")) {
                step(() -> campaign.onHealth(true, "health-check none", ticker.millis()), null);
            } else {
                long every = config.healthInterval().toMillis();
                checks = threads.timer().scheduleAtFixedRate(() -> strand.execute(this::runCheck), 0, every,
                        TimeUnit.MILLISECONDS);
            }
        });
    }

    /** Stops campaigning; a lease still held is revoked (the VIP is already gone: the manager closed first). */
    @Override
    public void close() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        strand.execute(() -> {
            closed = true;
            if (checks != null) {
                checks.cancel(false);
            }
            if (wake != null) {
                wake.cancel(false);
            }
            if (rawWatch != null) {
                rawWatch.close();
            }
            if (requestWatch != null) {
                requestWatch.close();
            }
            long lease = campaign.lease();
            holdUntil = 0;
            if (campaign.requestLease() != 0) {
                elections.revoke(campaign.requestLease(), callTimeout); // best effort: it ends within its TTL anyway
            }
            if (lease == 0) {
                done.complete(null);
                return;
            }
            elections.revoke(lease, callTimeout).whenComplete((v, e) -> {
                if (e == null) {
                    transitions.info("closed: lease " + Long.toHexString(lease) + " revoked, the election key is free");
                } else {
                    transitions.warn("closed: revoking lease " + Long.toHexString(lease) + " failed (" + e
                            + "); the election key stays until the lease expires (election-ttl)");
                }
                done.complete(null);
            });
        });
        try {
            done.get(callTimeout.toMillis() + 500, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            transitions.warn("closed without an answer to the lease's revoke; the election key stays until the lease "
                    + "expires (election-ttl)");
        }
    }

    // --- the strand ---------------------------------------------------------------------------------------------

    private void runCheck() {
        if (closed || checkRunning) {
            return;
        }
        checkRunning = true;
        run(check).thenCompose(r -> r.healthy() || fallbackCheck == null
                ? CompletableFuture.completedFuture(r.healthy() ? new Round(Campaign.Standing.PREFERRED, r.detail())
                        : new Round(Campaign.Standing.NONE, r.detail()))
                : run(fallbackCheck).thenApply(f -> new Round(f.healthy() ? Campaign.Standing.FALLBACK
                        : Campaign.Standing.NONE, "health-check: " + r.detail() + "; fallback-check: " + f.detail())))
                .whenComplete((round, e) -> strand.execute(() -> {
                    checkRunning = false;
                    Round r = round != null ? round : new Round(Campaign.Standing.NONE, "check failed: " + e);
                    step(() -> campaign.onHealth(r.standing(), r.detail(), ticker.millis()), null);
                }));
    }

    private CompletableFuture<HealthCheck.Result> run(HealthCheck c) {
        return c.run(config.healthTimeout(), threads.addressCalls())
                .exceptionally(e -> new HealthCheck.Result(false, "check failed: " + unwrap(e)));
    }

    /** One round of checks: the health-check, and the fallback-check when the first failed. */
    private record Round(Campaign.Standing standing, String detail) { }

    /** Applies one input to the campaign, then makes its calls, tells its news and shows the manager the key. */
    private void step(Runnable input, LeaderObservation observed) {
        if (closed) {
            return;
        }
        if (observed != null) {
            raw = observed;
        }
        input.run();
        for (Campaign.Call call : campaign.takeCalls()) {
            make(call);
        }
        holdUntil = campaign.holdUntil();
        for (Campaign.Notice n : campaign.takeNotices()) {
            if (n.kind() == null) {
                transitions.warn(n.reason());
                continue;
            }
            VipState s = managerState.get();
            transitions.emit(n.kind(), s, s, raw instanceof LeaderObservation.Leader l
                            ? ElectionValue.parse(l.value()).name() : null,
                    s == VipState.HOLDING, n.reason());
        }
        show();
        armWake();
    }

    private void make(Campaign.Call call) {
        if (call instanceof Campaign.Call.Grant g) {
            elections.grant(config.electionTtl(), callTimeout).whenComplete((id, e) -> strand.execute(() -> {
                if (closed && e == null) {
                    elections.revoke(id, callTimeout); // granted while closing: it would hold nothing until its TTL
                }
                step(() -> {
                    if (e == null) {
                        campaign.onGranted(g.ticket(), id, ticker.millis());
                    } else {
                        campaign.onGrantFailed(g.ticket(), String.valueOf(unwrap(e)), ticker.millis());
                    }
                }, null);
            }));
        } else if (call instanceof Campaign.Call.Claim c) {
            elections.claim(key, c.value(), c.lease(), callTimeout).whenComplete((won, e) -> strand.execute(() -> step(() -> {
                if (e == null) {
                    campaign.onClaimed(c.lease(), won, ticker.millis());
                } else {
                    campaign.onClaimFailed(c.lease(), String.valueOf(unwrap(e)), ticker.millis());
                }
            }, null)));
        } else if (call instanceof Campaign.Call.Renew r) {
            elections.renew(r.lease(), callTimeout).whenComplete((alive, e) -> strand.execute(() -> step(() -> {
                if (e == null) {
                    campaign.onRenewed(r.lease(), r.sentAt(), alive, ticker.millis());
                } else {
                    campaign.onRenewFailed(r.lease(), String.valueOf(unwrap(e)), ticker.millis());
                }
            }, null)));
        } else if (call instanceof Campaign.Call.AskToYield a) {
            elections.grant(config.electionTtl(), callTimeout)
                    .thenCompose(id -> elections.claim(requestKey, me, id, callTimeout).handle((won, e) -> {
                        if (e != null) {
                            elections.revoke(id, callTimeout); // the request may be written: it would stand a TTL
                            throw new java.util.concurrent.CompletionException(unwrap(e));
                        }
                        return new long[] {id, won ? 1 : 0};
                    }))
                    .whenComplete((r, e) -> strand.execute(() -> step(() -> {
                        if (e == null) {
                            campaign.onAsked(a.ticket(), r[0], r[1] == 1, ticker.millis());
                        } else {
                            campaign.onAskFailed(a.ticket(), String.valueOf(unwrap(e)), ticker.millis());
                        }
                    }, null)));
        } else if (call instanceof Campaign.Call.Revoke v) {
            elections.revoke(v.lease(), callTimeout).whenComplete((x, e) -> {
                if (e != null) {
                    transitions.warn("revoking lease " + Long.toHexString(v.lease()) + " (" + v.why() + ") failed ("
                            + unwrap(e) + "); it ends on the server within election-ttl");
                }
            });
        }
    }

    /** Delivers the key as the manager must see it, when that changed. */
    private void show() {
        if (sink == null || raw == null) {
            return;
        }
        LeaderObservation view = filter(raw, holdUntil);
        if (!view.equals(shown)) {
            shown = view;
            sink.accept(view);
        }
    }

    /** The key as the manager sees it: the holder's name without its tier, and this node only while it holds. */
    private LeaderObservation filter(LeaderObservation obs, long until) {
        if (!(obs instanceof LeaderObservation.Leader l)) {
            return obs;
        }
        String name = ElectionValue.parse(l.value()).name();
        if (name.equals(me) && ticker.millis() >= until) {
            return new LeaderObservation.NoLeader(l.revision());
        }
        return name.equals(l.value()) ? obs : new LeaderObservation.Leader(name, l.revision());
    }

    private void armWake() {
        long at = campaign.nextWakeMillis();
        if (at == wakeAt && wake != null && !wake.isDone()) {
            return;
        }
        if (wake != null) {
            wake.cancel(false);
        }
        wakeAt = at;
        if (at == Campaign.NEVER) {
            wake = null;
            return;
        }
        long delay = Math.max(0, at - ticker.millis());
        wake = threads.timer().schedule(() -> strand.execute(() -> step(() -> campaign.onTick(ticker.millis()),
                null)), delay, TimeUnit.MILLISECONDS);
    }

    private static Throwable unwrap(Throwable t) {
        return t instanceof java.util.concurrent.CompletionException && t.getCause() != null ? t.getCause() : t;
    }

    /** The DCS as the manager sees it: the election key names this node only while the campaign holds it. */
    private final class Gate implements DcsClient {

        @Override
        public DcsWatch watch(String k, Consumer<LeaderObservation> s) {
            strand.execute(() -> {
                sink = s;
                show();
            });
            return () -> strand.execute(() -> sink = null);
        }

        @Override
        public CompletableFuture<LeaderObservation> confirm(String k, Duration timeout) {
            // the hold is read when the answer arrives: an answer naming this node after the hold ended is no proof
            return dcs.confirm(k, timeout).thenApply(obs -> filter(obs, holdUntil));
        }

        @Override
        public void reconnect(String why) {
            dcs.reconnect(why);
        }

        @Override
        public void close() {
            // the client belongs to the manager's lease on it
        }
    }
}
