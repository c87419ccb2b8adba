package org.vip4j.dcs.consul.testing;

import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** The double's KV table with Consul's indexes. Not thread-safe: {@link ConsulDouble} guards it. */
final class KvStore {

    /** One KV entry as Consul returns it. */
    record Entry(String key, byte[] value, long createIndex, long modifyIndex) {

        String toJson() {
            String v = value.length == 0 ? "null" : '"' + Base64.getEncoder().encodeToString(value) + '"';
            return "[{\"LockIndex\":0,\"Key\":\"" + escape(key) + "\",\"Flags\":0,\"Value\":" + v
                    + ",\"CreateIndex\":" + createIndex + ",\"ModifyIndex\":" + modifyIndex + "}]";
        }

        private static String escape(String s) {
            StringBuilder sb = new StringBuilder();
            for (char c : s.toCharArray()) {
                if (c == '"' || c == '\\') {
                    sb.append('\\').append(c);
                } else if (c < 0x20) {
                    sb.append(String.format("\\u%04x", (int) c));
                } else {
                    sb.append(c);
                }
            }
            return sb.toString();
        }
    }

    private final Map<String, Entry> entries = new HashMap<>();
    /** The raft index of the last KV write or delete: what Consul reports for an absent key. */
    private long tableIndex = 1;

    Optional<Entry> get(String key) {
        return Optional.ofNullable(entries.get(key));
    }

    /** The index a blocking query on {@code key} compares with: its ModifyIndex, or the table's for an absent key. */
    long indexOf(String key) {
        Entry e = entries.get(key);
        return e == null ? tableIndex : e.modifyIndex();
    }

    long tableIndex() {
        return tableIndex;
    }

    void put(String key, byte[] value) {
        tableIndex++;
        Entry old = entries.get(key);
        long created = old == null ? tableIndex : old.createIndex();
        entries.put(key, new Entry(key, value.clone(), created, tableIndex));
    }

    void delete(String key) {
        tableIndex++;
        entries.remove(key);
    }

    void rewind(long to) {
        tableIndex = Math.max(1, Math.min(tableIndex, to));
        entries.replaceAll((k, e) -> new Entry(k, e.value(), Math.min(e.createIndex(), tableIndex),
                Math.min(e.modifyIndex(), tableIndex)));
    }
}
