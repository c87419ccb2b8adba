package org.vip4j.spi;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * What a {@link DcsClient} offers to elect the holder of a key (DESIGN section 9), where the DCS can arbitrate:
 * a lease the server ends unless it is renewed, and a write that succeeds only where the key is absent. etcd: a lease
 * and a transaction on {@code create_revision == 0}. vip4j's core does the campaigning (health checks, when to claim,
 * when to give up); a provider only offers the four calls.
 *
 * <p>Every call completes within its {@code timeout}, exceptionally when the DCS did not answer; none blocks.
 */
public interface DcsElections {

    /** Grants a lease of at least {@code ttl} (a server may round it up) and completes with its id. */
    CompletableFuture<Long> grant(Duration ttl, Duration timeout);

    /**
     * Renews {@code lease} to its full TTL, counted on the server from when it gets the request. Completes with true
     * when renewed, false when the lease is gone (expired or revoked: what it held was deleted).
     */
    CompletableFuture<Boolean> renew(long lease, Duration timeout);

    /**
     * Writes {@code key = value} bound to {@code lease} if the key is absent. Completes with true when the key now is
     * this lease's (written now, or by an earlier try of the same claim whose answer was lost), false when another
     * lease holds it.
     */
    CompletableFuture<Boolean> claim(String key, String value, long lease, Duration timeout);

    /** Ends {@code lease} at once: the key it holds is deleted. A lease already gone is not an error. */
    CompletableFuture<Void> revoke(long lease, Duration timeout);
}
