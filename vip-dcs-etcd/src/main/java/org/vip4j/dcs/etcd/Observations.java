package org.vip4j.dcs.etcd;

import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.watch.WatchEvent;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.vip4j.spi.LeaderObservation;

/** Turns etcd answers and errors into observations and log-safe reasons. */
final class Observations {

    private Observations() {
    }

    /** A read: the key's value at its mod revision, or absent at the read's header revision. */
    static LeaderObservation of(GetResponse r) {
        if (r.getKvs().isEmpty()) {
            return new LeaderObservation.NoLeader(r.getHeader().getRevision());
        }
        KeyValue kv = r.getKvs().get(0);
        return new LeaderObservation.Leader(kv.getValue().toString(StandardCharsets.UTF_8), kv.getModRevision());
    }

    /** A watch event: PUT is the new value, DELETE is absence, both at the event's revision. */
    static LeaderObservation of(WatchEvent e) {
        KeyValue kv = e.getKeyValue();
        if (e.getEventType() == WatchEvent.EventType.DELETE) {
            return new LeaderObservation.NoLeader(kv.getModRevision());
        }
        return new LeaderObservation.Leader(kv.getValue().toString(StandardCharsets.UTF_8), kv.getModRevision());
    }

    /** The first useful line of a failure, for an operator; etcd and gRPC never echo credentials. */
    static String reason(Throwable t) {
        Throwable c = t;
        while ((c instanceof CompletionException || c instanceof ExecutionException) && c.getCause() != null) {
            c = c.getCause();
        }
        if (c instanceof TimeoutException) {
            return "no answer within the deadline";
        }
        String msg = c.getMessage();
        if (msg == null || msg.isBlank()) {
            return c.getClass().getSimpleName();
        }
        String line = msg.lines().findFirst().orElse(msg);
        return line.length() > 300 ? line.substring(0, 300) + "..." : line;
    }
}
