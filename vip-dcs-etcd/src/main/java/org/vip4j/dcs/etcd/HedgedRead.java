package org.vip4j.dcs.etcd;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A read sent a second time when the first has not answered half-way to its deadline, or has failed: the answer is
 * the first that succeeds. gRPC's round robin keeps the connection to a member that was cut off (no reset ever came)
 * READY, and a read it sends there waits for its deadline; the second read goes to the next member, so one silent
 * member of a cluster costs a holder half a period, not the period (or, in a row, its lease).
 */
final class HedgedRead<T> {

    private final Supplier<CompletableFuture<T>> read;
    private final CompletableFuture<T> answer = new CompletableFuture<>();
    /** Reads sent or claimed; the first goes out in {@link #start}. */
    private int sent = 1;
    private int failed;

    private HedgedRead(Supplier<CompletableFuture<T>> read) {
        this.read = read;
    }

    /** Sends {@code read} now, and again after {@code hedgeAfterMs} (on {@code scheduler}) or on its failure. */
    static <T> CompletableFuture<T> start(Supplier<CompletableFuture<T>> read, long hedgeAfterMs,
            ScheduledExecutorService scheduler) {
        HedgedRead<T> r = new HedgedRead<>(read);
        r.send();
        try {
            scheduler.schedule(r::hedge, hedgeAfterMs, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // the client is closing: the first read is all there is
        }
        return r.answer;
    }

    private void hedge() {
        if (claimSecond()) {
            send();
        }
    }

    /** Whether the second read is still to be sent; the hedge and the first read's failure race for it. */
    private synchronized boolean claimSecond() {
        if (answer.isDone() || sent > 1) {
            return false;
        }
        sent++;
        return true;
    }

    private void send() {
        CompletableFuture<T> f;
        try {
            f = read.get();
        } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
        }
        f.whenComplete((value, err) -> {
            if (err == null) {
                answer.complete(value);
            } else {
                failedWith(err);
            }
        });
    }

    private void failedWith(Throwable err) {
        boolean resend;
        synchronized (this) {
            failed++;
            // the first failed outright (a member stopping, say): the second need not wait for the hedge
            resend = sent == 1 && !answer.isDone();
            if (resend) {
                sent++;
            } else if (failed == sent) {
                answer.completeExceptionally(err);
            }
        }
        if (resend) {
            send();
        }
    }
}
