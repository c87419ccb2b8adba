package org.vip4j.dcs.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The linearizable reads of every confirmation a process asks for, as few requests as etcd allows. A read asked for
 * while another is on its way waits for it and then goes out with every other one asked meanwhile, as one read-only
 * transaction: etcd serves that with one ReadIndex round, as it would a single get. Holders confirm at the same
 * instants (their keepalives share a grid), so a process holding a hundred VIPs sends two or three requests per
 * keepalive-period instead of a hundred.
 *
 * <p>A confirmation is never answered by a read sent before it was asked: that read's linearization point could
 * precede the question, and a lease counted from it would be longer than the DCS ever granted.
 */
final class ConfirmBatcher {

    /** etcd's default {@code --max-txn-ops}: a transaction with more operations is refused. */
    static final int MAX_TXN_OPS = 128;
    /**
     * How long a read waits behind one still on its way before it goes out anyway: a request that hangs (a member
     * partitioned away) must not hold the confirmations asked after it, which may reach a healthy member.
     */
    static final long MAX_WAIT_MS = 20;

    /** Sends the linearizable reads of some keys as one request; answers in the order of the keys. */
    private final Function<List<String>, CompletableFuture<List<GetResponse>>> sender;
    private final ScheduledExecutorService executor;
    /** A request still unanswered after this is given up, so it cannot keep later ones waiting. */
    private final long deadlineMs;
    /** Keys asked for since the last batch went out, each with everyone waiting for its answer. */
    private Map<String, List<CompletableFuture<GetResponse>>> waiting = new LinkedHashMap<>();
    private int inFlight;
    private boolean flushScheduled;

    ConfirmBatcher(Function<List<String>, CompletableFuture<List<GetResponse>>> sender,
            ScheduledExecutorService executor, long deadlineMs) {
        this.sender = sender;
        this.executor = executor;
        this.deadlineMs = deadlineMs;
    }

    /** A linearizable read of {@code key}, sent at once or with the next batch. */
    CompletableFuture<GetResponse> read(String key) {
        CompletableFuture<GetResponse> answer = new CompletableFuture<>();
        Map<String, List<CompletableFuture<GetResponse>>> batch = null;
        synchronized (this) {
            waiting.computeIfAbsent(key, k -> new ArrayList<>()).add(answer);
            if (inFlight == 0) {
                batch = takeWaiting();
            } else if (!flushScheduled) {
                flushScheduled = true;
                try {
                    executor.schedule(this::flush, MAX_WAIT_MS, TimeUnit.MILLISECONDS);
                } catch (RejectedExecutionException e) {
                    flushScheduled = false;
                    batch = takeWaiting(); // the client is closing: let the read fail on its own
                }
            }
        }
        if (batch != null) {
            send(batch);
        }
        return answer;
    }

    private void flush() {
        Map<String, List<CompletableFuture<GetResponse>>> batch;
        synchronized (this) {
            flushScheduled = false;
            batch = waiting.isEmpty() ? null : takeWaiting();
        }
        if (batch != null) {
            send(batch);
        }
    }

    private Map<String, List<CompletableFuture<GetResponse>>> takeWaiting() {
        Map<String, List<CompletableFuture<GetResponse>>> batch = waiting;
        waiting = new LinkedHashMap<>();
        inFlight += (batch.size() + MAX_TXN_OPS - 1) / MAX_TXN_OPS;
        return batch;
    }

    private void send(Map<String, List<CompletableFuture<GetResponse>>> batch) {
        List<String> keys = new ArrayList<>(batch.keySet());
        for (int from = 0; from < keys.size(); from += MAX_TXN_OPS) {
            List<String> chunk = keys.subList(from, Math.min(keys.size(), from + MAX_TXN_OPS));
            CompletableFuture<List<GetResponse>> sent;
            try {
                sent = sender.apply(chunk);
            } catch (RuntimeException e) {
                sent = CompletableFuture.failedFuture(e);
            }
            sent.orTimeout(deadlineMs, TimeUnit.MILLISECONDS).whenComplete((responses, err) -> {
                Throwable failure = err != null || responses.size() == chunk.size() ? err
                        : new IllegalStateException("etcd answered " + responses.size() + " reads of " + chunk.size());
                for (int i = 0; i < chunk.size(); i++) {
                    for (CompletableFuture<GetResponse> f : batch.get(chunk.get(i))) {
                        if (failure != null) {
                            f.completeExceptionally(failure);
                        } else {
                            f.complete(responses.get(i));
                        }
                    }
                }
                answered();
            });
        }
    }

    private void answered() {
        Map<String, List<CompletableFuture<GetResponse>>> batch = null;
        synchronized (this) {
            inFlight--;
            if (inFlight == 0 && !waiting.isEmpty()) {
                batch = takeWaiting();
            }
        }
        if (batch != null) {
            send(batch);
        }
    }

    /** The sender over {@code connection}: one key is a plain get, more are a read-only transaction. */
    static Function<List<String>, CompletableFuture<List<GetResponse>>> over(EtcdConnection connection) {
        return keys -> {
            KV kv = connection.client().getKVClient();
            if (keys.size() == 1) {
                return kv.get(bytes(keys.get(0))).thenApply(List::of);
            }
            Op[] gets = keys.stream().map(k -> Op.get(bytes(k), GetOption.DEFAULT)).toArray(Op[]::new);
            return kv.txn().Then(gets).commit().thenApply(TxnResponse::getGetResponses);
        };
    }

    private static ByteSequence bytes(String key) {
        return ByteSequence.from(key, StandardCharsets.UTF_8);
    }
}
