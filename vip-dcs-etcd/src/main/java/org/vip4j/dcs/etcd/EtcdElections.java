package org.vip4j.dcs.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.common.exception.ErrorCode;
import io.etcd.jetcd.common.exception.EtcdException;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.vip4j.spi.DcsElections;

/**
 * Elections on etcd: a lease (whole seconds; etcd may raise a short TTL to its minimum, which only makes the server's
 * lease longer than the one vip4j counts with) and a transaction that puts the key under it only where the key's
 * {@code create_revision} is 0, i.e. the key is absent. Renewal is one keepalive request at a time, so the time it was
 * sent is known, which the campaign's hold is counted from.
 */
final class EtcdElections implements DcsElections {

    private final EtcdConnection connection;

    EtcdElections(EtcdConnection connection) {
        this.connection = connection;
    }

    @Override
    public CompletableFuture<Long> grant(Duration ttl, Duration timeout) {
        long seconds = Math.max(1, (ttl.toMillis() + 999) / 1000);
        return bounded(() -> connection.client().getLeaseClient().grant(seconds).thenApply(r -> r.getID()), timeout);
    }

    @Override
    public CompletableFuture<Boolean> renew(long lease, Duration timeout) {
        return bounded(() -> connection.client().getLeaseClient().keepAliveOnce(lease)
                .thenApply(r -> r.getTTL() > 0)
                .exceptionally(e -> {
                    if (leaseNotFound(e)) {
                        return false;
                    }
                    throw e instanceof CompletionException c ? c : new CompletionException(e);
                }), timeout);
    }

    @Override
    public CompletableFuture<Boolean> claim(String key, String value, long lease, Duration timeout) {
        ByteSequence k = bytes(key);
        return bounded(() -> connection.client().getKVClient().txn()
                .If(new Cmp(k, Cmp.Op.EQUAL, CmpTarget.createRevision(0)))
                .Then(Op.put(k, bytes(value), PutOption.builder().withLeaseId(lease).build()))
                .Else(Op.get(k, GetOption.DEFAULT))
                .commit()
                .thenApply(r -> r.isSucceeded() || heldBy(r, lease)), timeout);
    }

    @Override
    public CompletableFuture<Void> revoke(long lease, Duration timeout) {
        return bounded(() -> connection.client().getLeaseClient().revoke(lease)
                .<Void>thenApply(r -> null)
                .exceptionally(e -> {
                    if (leaseNotFound(e)) {
                        return null;
                    }
                    throw e instanceof CompletionException c ? c : new CompletionException(e);
                }), timeout);
    }

    /** A retried claim whose first answer was lost finds the key already under its own lease. */
    private static boolean heldBy(TxnResponse r, long lease) {
        for (GetResponse get : r.getGetResponses()) {
            if (get.getKvs().stream().anyMatch(kv -> kv.getLease() == lease)) {
                return true;
            }
        }
        return false;
    }

    private static boolean leaseNotFound(Throwable e) {
        Throwable t = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        if (t instanceof EtcdException ee && ee.getErrorCode() == ErrorCode.NOT_FOUND) {
            return true;
        }
        String m = t.getMessage();
        return m != null && m.contains("lease not found");
    }

    private static <T> CompletableFuture<T> bounded(java.util.function.Supplier<CompletableFuture<T>> call,
                                                    Duration timeout) {
        CompletableFuture<T> f;
        try {
            f = call.get();
        } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
        }
        return f.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }
}
