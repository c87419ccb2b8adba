package org.vip4j.dcs.etcd;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.api.RangeResponse;
import io.etcd.jetcd.api.ResponseHeader;
import io.etcd.jetcd.kv.GetResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The batching rules on their own, with requests answered by hand: who waits, who goes together, who never does. */
class ConfirmBatcherTest {

    /** One request the batcher sent: its keys and the answer the test gives it. */
    private record Sent(List<String> keys, CompletableFuture<List<GetResponse>> answer) {

        void answer(long revision) {
            answer.complete(keys.stream().map(k -> response(revision)).toList());
        }
    }

    private final List<Sent> sent = new ArrayList<>();
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
    private final ConfirmBatcher batcher = new ConfirmBatcher(keys -> {
        Sent s = new Sent(List.copyOf(keys), new CompletableFuture<>());
        synchronized (sent) {
            sent.add(s);
        }
        return s.answer();
    }, executor, 1_000);

    @AfterEach
    void stop() {
        executor.shutdownNow();
    }

    private static GetResponse response(long revision) {
        return new GetResponse(RangeResponse.newBuilder().setHeader(ResponseHeader.newBuilder().setRevision(revision))
                .build(), ByteSequence.EMPTY);
    }

    private Sent sent(int i) {
        synchronized (sent) {
            return sent.get(i);
        }
    }

    private int sentCount() {
        synchronized (sent) {
            return sent.size();
        }
    }

    @Test
    void aReadWithNothingOnItsWayGoesOutAtOnce() throws Exception {
        CompletableFuture<GetResponse> a = batcher.read("/a");
        assertThat(sentCount()).isEqualTo(1);
        sent(0).answer(7);
        assertThat(a.get(1, TimeUnit.SECONDS).getHeader().getRevision()).isEqualTo(7);
    }

    @Test
    void readsAskedWhileOneIsOnItsWayGoOutTogetherWhenItIsAnswered() throws Exception {
        CompletableFuture<GetResponse> first = batcher.read("/a");
        List<CompletableFuture<GetResponse>> later = IntStream.range(0, 50).mapToObj(i -> batcher.read("/k" + i))
                .toList();
        assertThat(sentCount()).as("the 50 wait for the first").isEqualTo(1);
        sent(0).answer(1);
        assertThat(sentCount()).isEqualTo(2);
        assertThat(sent(1).keys()).hasSize(50);
        assertThat(later).noneMatch(CompletableFuture::isDone);
        sent(1).answer(2);
        assertThat(first.get().getHeader().getRevision()).isEqualTo(1);
        for (CompletableFuture<GetResponse> f : later) {
            // never the answer of the read that was on its way when they were asked
            assertThat(f.get(1, TimeUnit.SECONDS).getHeader().getRevision()).isEqualTo(2);
        }
    }

    @Test
    void oneKeyAskedTwiceIsReadOnceAndAnswersBoth() throws Exception {
        batcher.read("/first");
        CompletableFuture<GetResponse> a = batcher.read("/same");
        CompletableFuture<GetResponse> b = batcher.read("/same");
        sent(0).answer(1);
        assertThat(sent(1).keys()).containsExactly("/same");
        sent(1).answer(5);
        assertThat(a.get(1, TimeUnit.SECONDS).getHeader().getRevision()).isEqualTo(5);
        assertThat(b.get(1, TimeUnit.SECONDS).getHeader().getRevision()).isEqualTo(5);
    }

    @Test
    void moreKeysThanOneTransactionMayHoldAreSplit() {
        batcher.read("/first");
        IntStream.range(0, 300).forEach(i -> batcher.read("/k" + i));
        sent(0).answer(1);
        assertThat(sentCount()).isEqualTo(4);
        assertThat(List.of(sent(1).keys().size(), sent(2).keys().size(), sent(3).keys().size()))
                .containsExactly(128, 128, 44);
    }

    @Test
    void aReadStuckOnItsWayHoldsTheNextOnesForAtMostMaxWait() throws Exception {
        batcher.read("/hung"); // never answered: a member partitioned away
        long asked = System.nanoTime();
        CompletableFuture<GetResponse> next = batcher.read("/next");
        while (sentCount() < 2) {
            assertThat((System.nanoTime() - asked) / 1_000_000).as("ms until the next read went out anyway")
                    .isLessThan(1_000);
            Thread.onSpinWait();
        }
        sent(1).answer(3);
        assertThat(next.get(1, TimeUnit.SECONDS).getHeader().getRevision()).isEqualTo(3);
    }

    @Test
    void aFailedRequestFailsEveryReadInItAndTheNextOnesStillGoOut() throws Exception {
        batcher.read("/first");
        CompletableFuture<GetResponse> a = batcher.read("/a");
        CompletableFuture<GetResponse> b = batcher.read("/b");
        sent(0).answer(1);
        sent(1).answer().completeExceptionally(new IllegalStateException("etcdserver: request timed out"));
        assertThat(a).isCompletedExceptionally();
        assertThat(b).isCompletedExceptionally();
        CompletableFuture<GetResponse> c = batcher.read("/c");
        assertThat(sentCount()).as("nothing on its way any more: at once").isEqualTo(3);
        sent(2).answer(4);
        assertThat(c.get(1, TimeUnit.SECONDS).getHeader().getRevision()).isEqualTo(4);
    }
}
