package org.vip4j.dcs.etcd;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HedgedReadTest {

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final List<CompletableFuture<String>> reads = new ArrayList<>();

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    private synchronized CompletableFuture<String> read() {
        CompletableFuture<String> f = new CompletableFuture<>();
        reads.add(f);
        return f;
    }

    private synchronized int sent() {
        return reads.size();
    }

    private synchronized CompletableFuture<String> sentRead(int i) {
        return reads.get(i);
    }

    @Test
    void aQuickAnswerIsTheOnlyRead() throws Exception {
        CompletableFuture<String> answer = HedgedRead.start(this::read, 10_000, scheduler);
        sentRead(0).complete("a");
        assertThat(answer.get(1, TimeUnit.SECONDS)).isEqualTo("a");
        assertThat(sent()).isEqualTo(1);
    }

    @Test
    void aSilentReadIsSentAgainAndTheSecondAnswers() throws Exception {
        CompletableFuture<String> answer = HedgedRead.start(this::read, 20, scheduler);
        CompletableFuture<Void> second = CompletableFuture.runAsync(() -> {
            while (sent() < 2) {
                Thread.onSpinWait();
            }
        });
        second.get(5, TimeUnit.SECONDS);
        sentRead(1).complete("b");
        assertThat(answer.get(1, TimeUnit.SECONDS)).isEqualTo("b");
        sentRead(0).complete("late"); // the first still answers later: it changes nothing
        assertThat(answer.get()).isEqualTo("b");
    }

    @Test
    void aFailedReadIsSentAgainAtOnceAndOnlyBothFailuresFail() throws Exception {
        CompletableFuture<String> answer = HedgedRead.start(this::read, 60_000, scheduler);
        sentRead(0).completeExceptionally(new IllegalStateException("member stopping"));
        assertThat(sent()).as("resent without waiting for the hedge").isEqualTo(2);
        assertThat(answer).isNotDone();
        sentRead(1).completeExceptionally(new IllegalStateException("no leader"));
        assertThat(answer).isCompletedExceptionally();
        assertThat(answer.handle((v, e) -> e.getMessage()).get()).contains("no leader");
        assertThat(sent()).isEqualTo(2);
    }

    @Test
    void afterTheHedgeOnlyBothFailuresFailAndNoThirdIsSent() throws Exception {
        CompletableFuture<String> answer = HedgedRead.start(this::read, 20, scheduler);
        CompletableFuture.runAsync(() -> {
            while (sent() < 2) {
                Thread.onSpinWait();
            }
        }).get(5, TimeUnit.SECONDS);
        sentRead(0).completeExceptionally(new IllegalStateException("deadline"));
        assertThat(answer).isNotDone();
        sentRead(1).completeExceptionally(new IllegalStateException("no leader"));
        assertThat(answer).isCompletedExceptionally();
        assertThat(sent()).isEqualTo(2);
    }

    @Test
    void aReadThatThrowsCountsAsFailed() throws Exception {
        int[] calls = {0};
        CompletableFuture<String> answer = HedgedRead.start(() -> {
            if (calls[0]++ == 0) {
                throw new IllegalStateException("client closed");
            }
            return CompletableFuture.completedFuture("c");
        }, 60_000, scheduler);
        assertThat(answer.get(1, TimeUnit.SECONDS)).isEqualTo("c");
    }
}
