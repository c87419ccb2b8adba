package org.vip4j.internal;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vip4j.VipEvent;
import org.vip4j.VipListener;

/**
 * The listeners of one manager. Fired from the loop after a transition is committed, holding no lock; each listener
 * runs on the loop thread or on its own executor, and one that throws is logged by class name and skipped.
 *
 * <p>Internal: not part of the vip4j API.
 */
public final class ListenerRegistry {

    private static final Logger LOG = LoggerFactory.getLogger(ListenerRegistry.class);

    private record Registration(VipListener listener, Executor executor) {
    }

    private final List<Registration> registrations = new CopyOnWriteArrayList<>();

    public void add(VipListener listener, Executor executor) {
        registrations.add(new Registration(Objects.requireNonNull(listener, "listener"), executor));
    }

    public boolean remove(VipListener listener) {
        return registrations.removeIf(r -> r.listener() == listener);
    }

    public void fire(VipEvent event) {
        for (Registration r : registrations) {
            if (r.executor() == null) {
                deliver(r.listener(), event);
            } else {
                try {
                    r.executor().execute(() -> deliver(r.listener(), event));
                } catch (RuntimeException e) {
                    LOG.warn("executor of listener {} refused event {}: {}", r.listener().getClass().getName(),
                            event.kind(), e.toString());
                }
            }
        }
    }

    private static void deliver(VipListener listener, VipEvent event) {
        try {
            listener.onEvent(event);
        } catch (RuntimeException e) {
            LOG.warn("listener {} threw on {}; other listeners still run", listener.getClass().getName(),
                    event.kind(), e);
        }
    }
}
