package org.vip4j.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Resources a runtime's managers share, one per key (a DCS client per DCS configuration, an address manager per
 * interface), counted: the first lease creates it, the last one to close closes it.
 *
 * <p>Internal: not part of the vip4j API.
 */
public final class SharedByKey<K, R> {

    private final String what;
    private final Consumer<R> closer;
    private final Map<K, Entry<R>> entries = new HashMap<>();
    private boolean closed;

    private static final class Entry<R> {
        final R resource;
        int users;

        Entry(R resource) {
            this.resource = resource;
        }
    }

    /** @param what names the resource in errors, e.g. "DCS client" */
    public SharedByKey(String what, Consumer<R> closer) {
        this.what = what;
        this.closer = closer;
    }

    /** One user's hold on a shared resource; {@link #close()} once (again is a no-op). */
    public final class Lease implements AutoCloseable {
        private final K key;
        private final R resource;
        private boolean released;

        private Lease(K key, R resource) {
            this.key = key;
            this.resource = resource;
        }

        public R get() {
            return resource;
        }

        @Override
        public void close() {
            R last = null;
            synchronized (SharedByKey.this) {
                if (released) {
                    return;
                }
                released = true;
                Entry<R> e = entries.get(key);
                if (e != null && e.resource == resource && --e.users == 0) {
                    entries.remove(key);
                    last = resource;
                }
            }
            if (last != null) {
                closer.accept(last);
            }
        }
    }

    /**
     * The resource for {@code key}, made by {@code create} if nobody holds one (under this registry's lock: two
     * users of one key never make two).
     *
     * @throws IllegalStateException when the runtime is closed
     */
    public synchronized Lease lease(K key, Supplier<R> create) {
        if (closed) {
            throw new IllegalStateException("this vip4j runtime is closed; no new " + what + " from it");
        }
        Entry<R> e = entries.get(key);
        if (e == null) {
            e = new Entry<>(create.get());
            entries.put(key, e);
        }
        e.users++;
        return new Lease(key, e.resource);
    }

    /** How many distinct resources are open. */
    public synchronized int size() {
        return entries.size();
    }

    /** Closes every resource, whoever still holds it; no lease is granted afterwards. */
    public void closeAll() {
        List<R> open = new ArrayList<>();
        synchronized (this) {
            closed = true;
            entries.values().forEach(e -> open.add(e.resource));
            entries.clear();
        }
        open.forEach(closer);
    }
}
